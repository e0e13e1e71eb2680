using IopPlatform.Outcomes.Features.Measures;

namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>One analyte as sent.</summary>
/// <param name="Analyte">Panel code (e.g. <c>fentanyl</c>).</param>
/// <param name="Result"><c>negative</c>, <c>positive</c> or <c>inconclusive</c>.</param>
internal sealed record AnalyteInput(string? Analyte, string? Result);

/// <summary>A drug test as sent (recorded or corrected).</summary>
/// <param name="Specimen"><c>urine</c>, <c>oral_fluid</c> or <c>breath</c>.</param>
/// <param name="Method"><c>point_of_care</c> or <c>lab</c>.</param>
/// <param name="CollectedAt">When the specimen was collected (for refused/missed: when it was due); not in the future.</param>
/// <param name="ChainOfCustodyId">Chain-of-custody form id (up to 64 characters).</param>
/// <param name="Status"><c>resulted</c> (default: analytes carry results), <c>refused</c>, <c>missed</c> or <c>invalid</c>.</param>
/// <param name="InvalidReason">For <c>invalid</c>: <c>adulterated</c>, <c>dilute</c> or <c>substituted</c>.</param>
/// <param name="Analytes">For <c>resulted</c>: each panel analyte tested and its result.</param>
/// <param name="Dilute">For <c>resulted</c>: the lab reported the specimen dilute (a negative-dilute is recollected; a positive-dilute stays positive).</param>
internal sealed record DrugTestBody(
    string? Specimen,
    string? Method,
    DateTimeOffset? CollectedAt,
    string? ChainOfCustodyId,
    string? Status,
    string? InvalidReason,
    IReadOnlyList<AnalyteInput>? Analytes,
    bool? Dilute = null)
{
    public string EffectiveStatus => Status ?? DrugTestWords.Resulted;
}

internal static class DrugTestInput
{
    private static string OneOf(IEnumerable<string> values) => string.Join(", ", values);

    /// <summary>Every reason the body cannot be stored, with the JSON field it concerns.</summary>
    public static IReadOnlyList<ScoringError> Validate(DrugTestBody body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<ScoringError>();
        if (body.Specimen is null || !DrugTestWords.Specimens.Contains(body.Specimen))
        {
            errors.Add(new("specimen", $"Specimen must be one of: {OneOf(DrugTestWords.Specimens)}."));
        }
        if (body.Method is null || !DrugTestWords.Methods.Contains(body.Method))
        {
            errors.Add(new("method", $"Method must be one of: {OneOf(DrugTestWords.Methods)}."));
        }
        if (body.CollectedAt is null)
        {
            errors.Add(new("collectedAt", "Collected at is required."));
        }
        else if (body.CollectedAt > now)
        {
            errors.Add(new("collectedAt", "Collected at must not be in the future."));
        }
        if (body.ChainOfCustodyId is { Length: > 64 })
        {
            errors.Add(new("chainOfCustodyId", "Chain-of-custody id must be at most 64 characters."));
        }
        var status = body.EffectiveStatus;
        if (!DrugTestWords.Statuses.Contains(status))
        {
            errors.Add(new("status", $"Status must be one of: {OneOf(DrugTestWords.Statuses)}."));
            return errors;
        }
        var analytes = body.Analytes ?? [];
        if (status == DrugTestWords.Invalid)
        {
            if (body.InvalidReason is null || !DrugTestWords.InvalidReasons.Contains(body.InvalidReason))
            {
                errors.Add(new("invalidReason", $"An invalid test needs a reason: {OneOf(DrugTestWords.InvalidReasons)}."));
            }
        }
        else if (body.InvalidReason is not null)
        {
            errors.Add(new("invalidReason", "Only an invalid test has an invalid reason."));
        }
        if (status != DrugTestWords.Resulted)
        {
            if (body.Dilute == true)
            {
                errors.Add(new("dilute", $"Only a resulted test carries the dilute flag; a {status} test has no specimen result."));
            }
            if (analytes.Count > 0)
            {
                errors.Add(new("analytes", $"A {status} test has no analyte results."));
            }
            return errors;
        }
        if (analytes.Count == 0)
        {
            errors.Add(new("analytes", "A resulted test needs at least one analyte."));
        }
        for (var i = 0; i < analytes.Count; i++)
        {
            var analyte = analytes[i];
            if (!DrugTestPanel.IsOnPanel(analyte.Analyte))
            {
                errors.Add(new($"analytes[{i}].analyte", $"'{analyte.Analyte}' is not on the panel. Known analytes: {OneOf(DrugTestPanel.Analytes)}."));
            }
            else if (body.Specimen == DrugTestWords.Breath && !DrugTestPanel.BreathAnalytes.Contains(analyte.Analyte!))
            {
                errors.Add(new($"analytes[{i}].analyte", $"A breath test measures only: {OneOf(DrugTestPanel.BreathAnalytes)}."));
            }
            if (analyte.Result is null || !DrugTestWords.AnalyteResults.Contains(analyte.Result))
            {
                errors.Add(new($"analytes[{i}].result", $"Result must be one of: {OneOf(DrugTestWords.AnalyteResults)}."));
            }
        }
        var duplicate = analytes.GroupBy(a => a.Analyte).FirstOrDefault(g => g.Key is not null && g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add(new("analytes", $"Analyte '{duplicate.Key}' appears more than once."));
        }
        return errors;
    }
}

/// <summary>A drug test version as Dapper reads it.</summary>
internal sealed class DrugTestRow
{
    public const string Columns = """
        t.id, t.enrollment_id AS EnrollmentId, t.patient_id AS PatientId, v.version, v.specimen, v.method, v.collected_at AS CollectedAt,
        v.chain_of_custody_id AS ChainOfCustodyId, v.status, v.invalid_reason AS InvalidReason, v.dilute, v.overall_result AS OverallResult,
        v.needs_confirmation AS NeedsConfirmation, v.correction_reason AS CorrectionReason, v.recorded_by AS RecordedBy, v.recorded_at AS RecordedAt
        """;

    /// <summary>Current versions only.</summary>
    public const string FromCurrent = "FROM outcomes_drug_test t JOIN outcomes_drug_test_version v ON v.drug_test_id = t.id AND v.version = t.version";

    public const string FromAllVersions = "FROM outcomes_drug_test t JOIN outcomes_drug_test_version v ON v.drug_test_id = t.id";

    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public int Version { get; init; }

    public string Specimen { get; init; } = string.Empty;

    public string Method { get; init; } = string.Empty;

    public DateTimeOffset CollectedAt { get; init; }

    public string? ChainOfCustodyId { get; init; }

    public string Status { get; init; } = string.Empty;

    public string? InvalidReason { get; init; }

    public bool Dilute { get; init; }

    public string OverallResult { get; init; } = string.Empty;

    public bool NeedsConfirmation { get; init; }

    public string? CorrectionReason { get; init; }

    public string RecordedBy { get; init; } = string.Empty;

    public DateTimeOffset RecordedAt { get; init; }
}

internal sealed class AnalyteRow
{
    public Guid DrugTestId { get; init; }

    public int Version { get; init; }

    public string Analyte { get; init; } = string.Empty;

    public string Result { get; init; } = string.Empty;

    public bool Expected { get; init; }
}

internal static class DrugTestStore
{
    private const string InsertVersion = """
        INSERT INTO outcomes_drug_test_version (drug_test_id, version, specimen, method, collected_at, chain_of_custody_id, status,
                                                invalid_reason, dilute, overall_result, needs_confirmation, correction_reason, recorded_by, recorded_at)
        VALUES (@Id, @Version, @Specimen, @Method, @CollectedAt, @ChainOfCustodyId, @Status,
                @InvalidReason, @Dilute, @OverallResult, @NeedsConfirmation, @CorrectionReason, @RecordedBy, @RecordedAt)
        """;

    private const string InsertAnalyte = """
        INSERT INTO outcomes_drug_test_analyte (drug_test_id, version, analyte, result, expected)
        VALUES (@DrugTestId, @Version, @Analyte, @Result, @Expected)
        """;

    /// <summary>Computes the overall result against the enrollment's prescriptions and builds the version to store.</summary>
    public static (DrugTestRow Row, List<AnalyteRow> Analytes) Build(
        Guid id, Guid enrollmentId, Guid patientId, int version, DrugTestBody body, IReadOnlyCollection<string> prescribed, string? correctionReason, string recordedBy, DateTimeOffset now)
    {
        var status = body.EffectiveStatus;
        var analytes = (body.Analytes ?? []).Select(a => new AnalyteResult(a.Analyte!, a.Result!)).ToList();
        var judged = DrugTestRules.Judge(new SpecimenFacts(status, body.InvalidReason, body.Dilute == true, body.Method!), analytes, prescribed);
        var row = new DrugTestRow
        {
            Id = id,
            EnrollmentId = enrollmentId,
            PatientId = patientId,
            Version = version,
            Specimen = body.Specimen!,
            Method = body.Method!,
            CollectedAt = body.CollectedAt!.Value.ToUniversalTime(),
            ChainOfCustodyId = string.IsNullOrWhiteSpace(body.ChainOfCustodyId) ? null : body.ChainOfCustodyId.Trim(),
            Status = status,
            InvalidReason = body.InvalidReason,
            Dilute = body.Dilute == true,
            OverallResult = judged.Overall,
            NeedsConfirmation = judged.NeedsConfirmation,
            CorrectionReason = correctionReason,
            RecordedBy = recordedBy,
            RecordedAt = now,
        };
        var analyteRows = analytes.Select(a => new AnalyteRow
        {
            DrugTestId = id,
            Version = version,
            Analyte = a.Analyte,
            Result = a.Result,
            Expected = a.Result == DrugTestWords.Positive && prescribed.Contains(a.Analyte, StringComparer.Ordinal),
        }).ToList();
        return (row, analyteRows);
    }

    public static async Task InsertVersionAsync(DbConnection connection, DbTransaction transaction, DrugTestRow row, List<AnalyteRow> analytes, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(InsertVersion, row, transaction, cancellationToken: ct)).ConfigureAwait(false);
        if (analytes.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertAnalyte, analytes, transaction, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    /// <summary>The analytes of these (test, version) rows in one query per 1,000 tests.</summary>
    public static async Task<IReadOnlyList<DrugTestDto>> WithAnalytesAsync(DbConnection connection, IReadOnlyList<DrugTestRow> rows, CancellationToken ct)
    {
        var analytes = new List<AnalyteRow>();
        foreach (var chunk in rows.Select(r => r.Id).Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = $"""
                SELECT drug_test_id AS DrugTestId, version, analyte, result, expected
                FROM outcomes_drug_test_analyte WHERE drug_test_id IN ({SqlList.Parameters(chunk, "Id", parameters)})
                """;
            analytes.AddRange(await connection.QueryAsync<AnalyteRow>(new CommandDefinition(sql, parameters, cancellationToken: ct)).ConfigureAwait(false));
        }
        var byVersion = analytes.ToLookup(a => (a.DrugTestId, a.Version));
        return rows.Select(r => ToDto(r, byVersion[(r.Id, r.Version)])).ToList();
    }

    public static DrugTestDto ToDto(DrugTestRow row, IEnumerable<AnalyteRow> analytes) => new()
    {
        Id = row.Id,
        EnrollmentId = row.EnrollmentId,
        PatientId = row.PatientId,
        Version = row.Version,
        Specimen = row.Specimen,
        Method = row.Method,
        CollectedAt = row.CollectedAt,
        ChainOfCustodyId = row.ChainOfCustodyId,
        Status = row.Status,
        InvalidReason = row.InvalidReason,
        Dilute = row.Dilute,
        OverallResult = row.OverallResult,
        NeedsConfirmation = row.NeedsConfirmation,
        Analytes = analytes.OrderBy(a => a.Analyte, StringComparer.Ordinal)
            .Select(a => new DrugTestAnalyteDto { Analyte = a.Analyte, Result = a.Result, Expected = a.Expected }).ToList(),
        CorrectionReason = row.CorrectionReason,
        RecordedBy = row.RecordedBy,
        RecordedAt = row.RecordedAt,
    };
}
