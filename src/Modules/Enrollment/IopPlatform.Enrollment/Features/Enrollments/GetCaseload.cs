namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>One line of a case manager's caseload.</summary>
internal sealed record CaseloadEntryDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Current status (active or on_hold).</summary>
    public required EnrollmentStatus Status { get; init; }

    /// <summary>Program id.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>Admission date.</summary>
    public DateOnly? AdmissionDate { get; init; }

    /// <summary>The patient, as a summary.</summary>
    public required PatientSummaryDto Patient { get; init; }
}

/// <summary>A case manager's caseload: their active and on-hold enrollments.</summary>
/// <param name="UserId">The case manager's user id.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
internal sealed record GetCaseloadRequest(string UserId, int Limit, string? Cursor) : IRequest<CursorPage<CaseloadEntryDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class GetCaseloadValidator : AbstractValidator<GetCaseloadRequest>
{
    public GetCaseloadValidator()
    {
        RuleFor(x => x.UserId).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
    }
}

internal sealed class GetCaseloadHandler(IDbConnectionFactory db, ISqlDialect dialect, IAuditScope audit) : IRequestHandler<GetCaseloadRequest, CursorPage<CaseloadEntryDto>>
{
    public async Task<CursorPage<CaseloadEntryDto>> Handle(GetCaseloadRequest request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var sql = $"""
            SELECT e.id AS EnrollmentId, e.status, e.program_id AS ProgramId, e.admission_date AS AdmissionDate,
                   p.id AS PatientId, p.mrn, p.given_name AS GivenName, p.family_name AS FamilyName, p.date_of_birth AS DateOfBirth
            FROM enrollment_enrollment e
            JOIN enrollment_patient p ON p.id = e.patient_id
            JOIN enrollment_care_team_assignment a ON a.enrollment_id = e.id AND a.role = 'case_manager' AND a.assigned_to IS NULL
            WHERE a.user_id = @UserId AND e.status IN ('active', 'on_hold') {(after is null ? string.Empty : "AND e.id > @After")}
            ORDER BY e.id {dialect.Limit("@Take")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CaseloadRow>(new CommandDefinition(sql, new { request.UserId, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var entries = rows.Select(r => new CaseloadEntryDto
        {
            EnrollmentId = r.EnrollmentId,
            Status = Infrastructure.Codes.Parse<EnrollmentStatus>(r.Status),
            ProgramId = r.ProgramId,
            AdmissionDate = r.AdmissionDate,
            Patient = new PatientSummaryDto { Id = r.PatientId, Mrn = r.Mrn, GivenName = r.GivenName, FamilyName = r.FamilyName, DateOfBirth = r.DateOfBirth },
        }).ToList();
        var page = Cursor.Page(entries, request.Limit, e => e.EnrollmentId);
        foreach (var entry in page.Items)
        {
            audit.TouchedPatient(entry.Patient.Id);
        }
        return page;
    }

    private sealed class CaseloadRow
    {
        public Guid EnrollmentId { get; init; }

        public string Status { get; init; } = string.Empty;

        public Guid ProgramId { get; init; }

        public DateOnly? AdmissionDate { get; init; }

        public Guid PatientId { get; init; }

        public string Mrn { get; init; } = string.Empty;

        public string GivenName { get; init; } = string.Empty;

        public string FamilyName { get; init; } = string.Empty;

        public DateOnly DateOfBirth { get; init; }
    }
}

internal static class GetCaseloadEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/case-managers/{userId}/caseload", (string userId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new GetCaseloadRequest(userId, limit, cursor), ct))
            .RequireRoles(Roles.Staff)
            .WithName("GetCaseload")
            .WithSummary("A case manager's caseload")
            .WithDescription("Active and on-hold enrollments whose current case manager is this user, with patient summaries and current status.")
            .Produces<CursorPage<CaseloadEntryDto>>()
            .ProducesValidationProblem();
    }
}
