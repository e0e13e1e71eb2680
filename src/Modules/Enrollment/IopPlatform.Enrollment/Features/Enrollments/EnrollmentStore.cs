namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Loads and saves enrollments; handlers change an <see cref="EnrollmentRow"/> in memory and save it under its version.</summary>
internal static class EnrollmentStore
{
    public const string Columns = """
        e.id, e.patient_id AS PatientId, e.program_id AS ProgramId, e.status, e.referred_by_api_client_id AS ReferredByApiClientId,
        e.referred_by_clinician AS ReferredByClinician, e.referral_date AS ReferralDate, e.detox_status AS DetoxStatus,
        e.detox_completed_on AS DetoxCompletedOn, e.recommended_by AS RecommendedBy, e.recommended_on AS RecommendedOn,
        e.recommended_level_of_care AS RecommendedLevelOfCare, e.actual_level_of_care AS ActualLevelOfCare,
        e.level_of_care_difference_reason AS LevelOfCareDifferenceReason, e.dual_diagnosis AS DualDiagnosis,
        e.diagnosis_codes AS DiagnosisCodes, e.expected_positive_analytes AS ExpectedPositiveAnalytes, e.age_group AS AgeGroup,
        e.admission_date AS AdmissionDate, e.discharge_date AS DischargeDate, e.discharge_reason AS DischargeReason,
        e.discharge_note AS DischargeNote, e.clinician_override_reason AS ClinicianOverrideReason, e.version, e.created_at AS CreatedAt,
        p.required_hours_adult AS RequiredHoursAdult, p.required_hours_adolescent AS RequiredHoursAdolescent
        """;

    public const string From = "FROM enrollment_enrollment e JOIN enrollment_program p ON p.id = e.program_id";

    private const string SelectOne = $"SELECT {Columns} {From} WHERE e.id = @Id";

    private const string Insert = """
        INSERT INTO enrollment_enrollment (id, patient_id, program_id, status, referred_by_api_client_id, referred_by_clinician, referral_date,
            detox_status, detox_completed_on, recommended_by, recommended_on, recommended_level_of_care, actual_level_of_care,
            level_of_care_difference_reason, dual_diagnosis, diagnosis_codes, expected_positive_analytes, age_group, admission_date,
            discharge_date, discharge_reason, discharge_note, clinician_override_reason, version, created_at, updated_at)
        VALUES (@Id, @PatientId, @ProgramId, @Status, @ReferredByApiClientId, @ReferredByClinician, @ReferralDate,
            @DetoxStatus, @DetoxCompletedOn, @RecommendedBy, @RecommendedOn, @RecommendedLevelOfCare, @ActualLevelOfCare,
            @LevelOfCareDifferenceReason, @DualDiagnosis, @DiagnosisCodes, @ExpectedPositiveAnalytes, @AgeGroup, @AdmissionDate,
            @DischargeDate, @DischargeReason, @DischargeNote, @ClinicianOverrideReason, 1, @CreatedAt, @CreatedAt)
        """;

    private const string Update = """
        UPDATE enrollment_enrollment SET status = @Status, detox_status = @DetoxStatus, detox_completed_on = @DetoxCompletedOn,
            recommended_by = @RecommendedBy, recommended_on = @RecommendedOn, recommended_level_of_care = @RecommendedLevelOfCare,
            actual_level_of_care = @ActualLevelOfCare, level_of_care_difference_reason = @LevelOfCareDifferenceReason,
            dual_diagnosis = @DualDiagnosis, diagnosis_codes = @DiagnosisCodes, expected_positive_analytes = @ExpectedPositiveAnalytes,
            age_group = @AgeGroup, admission_date = @AdmissionDate, discharge_date = @DischargeDate, discharge_reason = @DischargeReason,
            discharge_note = @DischargeNote, clinician_override_reason = @ClinicianOverrideReason, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertHistory = """
        INSERT INTO enrollment_status_history (id, enrollment_id, from_status, to_status, changed_by, changed_by_type, changed_at, reason)
        VALUES (@Id, @EnrollmentId, @FromStatus, @ToStatus, @ChangedBy, @ChangedByType, @ChangedAt, @Reason)
        """;

    private const string SelectHistory = """
        SELECT from_status AS FromStatus, to_status AS ToStatus, changed_by AS ChangedBy, changed_at AS ChangedAt, reason
        FROM enrollment_status_history WHERE enrollment_id = @Id ORDER BY id
        """;

    private const string SelectCareTeam = """
        SELECT role, user_id AS UserId, display_name AS DisplayName FROM enrollment_care_team_assignment
        WHERE enrollment_id = @Id AND assigned_to IS NULL
        """;

    public static async Task<EnrollmentRow?> FindRowAsync(DbConnection connection, Guid id, CancellationToken ct, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<EnrollmentRow>(new CommandDefinition(SelectOne, new { Id = id }, transaction, cancellationToken: ct));

    public static async Task<EnrollmentRow> GetRowAsync(DbConnection connection, Guid id, CancellationToken ct, DbTransaction? transaction = null) =>
        await FindRowAsync(connection, id, ct, transaction) ?? throw new NotFoundException("Enrollment", id);

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, EnrollmentRow row, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, row, transaction, cancellationToken: ct));

    /// <summary>Saves under the version read; false when someone else changed it first.</summary>
    public static async Task<bool> UpdateAsync(DbConnection connection, DbTransaction transaction, EnrollmentRow row, DateTimeOffset now, CancellationToken ct)
    {
        var parameters = new DynamicParameters(row);
        parameters.Add("Now", now);
        return await connection.ExecuteAsync(new CommandDefinition(Update, parameters, transaction, cancellationToken: ct)) == 1;
    }

    public static Task AddHistoryAsync(DbConnection connection, DbTransaction transaction, Guid enrollmentId, string? from, string to, string actor, string actorType, DateTimeOffset at, string? reason, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertHistory, new
        {
            Id = Guid.CreateVersion7(),
            EnrollmentId = enrollmentId,
            FromStatus = from,
            ToStatus = to,
            ChangedBy = actor,
            ChangedByType = actorType,
            ChangedAt = at,
            Reason = reason,
        }, transaction, cancellationToken: ct));

    public static async Task<CareTeamDto> CareTeamAsync(DbConnection connection, Guid enrollmentId, CancellationToken ct, DbTransaction? transaction = null)
    {
        var members = (await connection.QueryAsync<CareTeamRow>(new CommandDefinition(SelectCareTeam, new { Id = enrollmentId }, transaction, cancellationToken: ct))).ToList();
        StaffRefDto? Member(string role) => members.Where(m => m.Role == role).Select(m => new StaffRefDto(m.UserId, m.DisplayName)).FirstOrDefault();
        return new CareTeamDto
        {
            EnrollmentId = enrollmentId,
            PrimaryCounsellor = Member(CareTeamRoles.PrimaryCounsellor),
            CaseManager = Member(CareTeamRoles.CaseManager),
            Supervisor = Member(CareTeamRoles.Supervisor),
        };
    }

    public static async Task<EnrollmentDto> ToDtoAsync(DbConnection connection, EnrollmentRow row, CancellationToken ct)
    {
        var history = await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistory, new { row.Id }, cancellationToken: ct));
        var status = row.StatusValue;
        var screening = row.Screening();
        return new EnrollmentDto
        {
            Id = row.Id,
            PatientId = row.PatientId,
            ProgramId = row.ProgramId,
            Status = status,
            AllowedTransitions = Transitions.From(status),
            ReferredBy = new ReferralSourceDto { ApiClientId = row.ReferredByApiClientId, Clinician = row.ReferredByClinician },
            ReferralDate = row.ReferralDate,
            Screening = screening,
            EligibilityFindings = status is EnrollmentStatus.Referred or EnrollmentStatus.Screened ? Eligibility.Evaluate(screening, null) : [],
            RequiredHoursPerWeek = row.RequiredHoursPerWeek,
            AdmissionDate = row.AdmissionDate,
            DischargeDate = row.DischargeDate,
            DischargeReason = Codes.ParseOrNull<DischargeReason>(row.DischargeReason),
            DischargeNote = row.DischargeNote,
            ClinicianOverrideReason = row.ClinicianOverrideReason,
            CareTeam = await CareTeamAsync(connection, row.Id, ct),
            History = history.Select(h => new StatusChangeDto
            {
                From = Codes.ParseOrNull<EnrollmentStatus>(h.FromStatus),
                To = Codes.Parse<EnrollmentStatus>(h.ToStatus),
                ChangedBy = h.ChangedBy,
                ChangedAt = h.ChangedAt,
                Reason = h.Reason,
            }).ToList(),
            Version = row.Version,
            CreatedAt = row.CreatedAt,
        };
    }

    private sealed class HistoryRow
    {
        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = string.Empty;

        public string ChangedBy { get; init; } = string.Empty;

        public DateTimeOffset ChangedAt { get; init; }

        public string? Reason { get; init; }
    }

    private sealed class CareTeamRow
    {
        public string Role { get; init; } = string.Empty;

        public string UserId { get; init; } = string.Empty;

        public string DisplayName { get; init; } = string.Empty;
    }
}

internal static class CareTeamRoles
{
    public const string PrimaryCounsellor = "primary_counsellor";
    public const string CaseManager = "case_manager";
    public const string Supervisor = "supervisor";
}

/// <summary>One enrollment row as stored (codes as text, lists as JSON text).</summary>
internal sealed class EnrollmentRow
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public Guid ProgramId { get; set; }

    public string Status { get; set; } = string.Empty;

    public Guid? ReferredByApiClientId { get; set; }

    public string? ReferredByClinician { get; set; }

    public DateOnly ReferralDate { get; set; }

    public string? DetoxStatus { get; set; }

    public DateOnly? DetoxCompletedOn { get; set; }

    public string? RecommendedBy { get; set; }

    public DateOnly? RecommendedOn { get; set; }

    public string? RecommendedLevelOfCare { get; set; }

    public string? ActualLevelOfCare { get; set; }

    public string? LevelOfCareDifferenceReason { get; set; }

    public bool DualDiagnosis { get; set; }

    public string DiagnosisCodes { get; set; } = "[]";

    public string ExpectedPositiveAnalytes { get; set; } = "[]";

    public string? AgeGroup { get; set; }

    public DateOnly? AdmissionDate { get; set; }

    public DateOnly? DischargeDate { get; set; }

    public string? DischargeReason { get; set; }

    public string? DischargeNote { get; set; }

    public string? ClinicianOverrideReason { get; set; }

    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public decimal RequiredHoursAdult { get; set; }

    public decimal RequiredHoursAdolescent { get; set; }

    public EnrollmentStatus StatusValue => Codes.Parse<EnrollmentStatus>(Status);

    public decimal? RequiredHoursPerWeek => Codes.ParseOrNull<AgeGroup>(AgeGroup) switch
    {
        Contracts.AgeGroup.Adult => RequiredHoursAdult,
        Contracts.AgeGroup.Adolescent => RequiredHoursAdolescent,
        _ => null,
    };

    public ScreeningDto Screening() => new()
    {
        DetoxStatus = Codes.ParseOrNull<DetoxStatus>(DetoxStatus),
        DetoxCompletedOn = DetoxCompletedOn,
        RecommendedBy = RecommendedBy,
        RecommendedOn = RecommendedOn,
        RecommendedLevelOfCare = RecommendedLevelOfCare,
        ActualLevelOfCare = ActualLevelOfCare,
        LevelOfCareDifferenceReason = LevelOfCareDifferenceReason,
        DualDiagnosis = DualDiagnosis,
        DiagnosisCodes = ColumnJson.Read<List<string>>(DiagnosisCodes, []),
        ExpectedPositiveAnalytes = ColumnJson.Read<List<string>>(ExpectedPositiveAnalytes, []),
        AgeGroup = Codes.ParseOrNull<AgeGroup>(AgeGroup),
    };

    public EnrollmentSummary Summary() => new()
    {
        EnrollmentId = Id,
        PatientId = PatientId,
        ProgramId = ProgramId,
        Status = StatusValue,
        AgeGroup = Codes.ParseOrNull<AgeGroup>(AgeGroup),
        RequiredHoursPerWeek = RequiredHoursPerWeek,
        AdmissionDate = AdmissionDate,
        DischargeDate = DischargeDate,
        ExpectedPositiveAnalytes = ColumnJson.Read<List<string>>(ExpectedPositiveAnalytes, []),
    };
}
