using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.Enrollment.Contracts;
using MediatR;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Reads one enrollment with its screening, care team and status history.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
internal sealed record GetEnrollmentRequest(Guid EnrollmentId) : IRequest<EnrollmentDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

/// <summary>A patient's enrollments, newest first.</summary>
/// <param name="PatientId">Patient id.</param>
internal sealed record ListPatientEnrollmentsRequest(Guid PatientId) : IRequest<IReadOnlyList<EnrollmentDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class EnrollmentReadHandler(IDbConnectionFactory db, IMediator mediator, IAuditScope audit)
    : IRequestHandler<GetEnrollmentRequest, EnrollmentDto>,
      IRequestHandler<ListPatientEnrollmentsRequest, IReadOnlyList<EnrollmentDto>>
{
    private const string PatientExists = "SELECT COUNT(*) FROM enrollment_patient WHERE id = @PatientId";

    public async Task<EnrollmentDto> Handle(GetEnrollmentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await EnrollmentStore.GetRowAsync(connection, request.EnrollmentId, cancellationToken);
        await mediator.Send(new DiscloseRecordsCommand(row.PatientId, InformationCategories.Enrollment, [$"enrollment/{row.Id}"]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        audit.TouchedPatient(row.PatientId);
        return await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken);
    }

    public async Task<IReadOnlyList<EnrollmentDto>> Handle(ListPatientEnrollmentsRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(PatientExists, request, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Patient", request.PatientId);
        }
        var rows = (await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(
            $"SELECT {EnrollmentStore.Columns} {EnrollmentStore.From} WHERE e.patient_id = @PatientId ORDER BY e.id DESC", request, cancellationToken: cancellationToken))).AsList();
        await mediator.Send(new DiscloseRecordsCommand(request.PatientId, InformationCategories.Enrollment, [.. rows.Select(r => $"enrollment/{r.Id}")]) { RefusedAs = new("Patient", request.PatientId) }, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        var result = new List<EnrollmentDto>();
        foreach (var row in rows)
        {
            result.Add(await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken));
        }
        return result;
    }
}

internal sealed class GetActiveEnrollmentsValidator : AbstractValidator<GetActiveEnrollmentsQuery>
{
    public GetActiveEnrollmentsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 1000);
}

/// <summary>Answers the enrollment queries other modules send (no HTTP: no partner filtering, callers are the system).</summary>
internal sealed class EnrollmentContractsHandler(IDbConnectionFactory db, ISqlDialect dialect)
    : IRequestHandler<GetEnrollmentSummaryQuery, EnrollmentSummary?>,
      IRequestHandler<GetActiveEnrollmentsQuery, IReadOnlyList<EnrollmentSummary>>,
      IRequestHandler<GetCareTeamQuery, CareTeamDto?>
{
    public async Task<EnrollmentSummary?> Handle(GetEnrollmentSummaryQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await EnrollmentStore.FindRowAsync(connection, request.EnrollmentId, cancellationToken))?.Summary();
    }

    public async Task<IReadOnlyList<EnrollmentSummary>> Handle(GetActiveEnrollmentsQuery request, CancellationToken cancellationToken)
    {
        var filters = new List<string> { "e.status IN ('active', 'on_hold')" };
        if (request.ProgramId is not null)
        {
            filters.Add("e.program_id = @ProgramId");
        }
        if (request.After is not null)
        {
            filters.Add("e.id > @After");
        }
        var sql = $"SELECT {EnrollmentStore.Columns} {EnrollmentStore.From} WHERE {string.Join(" AND ", filters)} ORDER BY e.id {dialect.Limit("@Limit")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(sql, request, cancellationToken: cancellationToken));
        return rows.Select(r => r.Summary()).ToList();
    }

    public async Task<CareTeamDto?> Handle(GetCareTeamQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await EnrollmentStore.FindRowAsync(connection, request.EnrollmentId, cancellationToken);
        return row is null ? null : await EnrollmentStore.CareTeamAsync(connection, row.Id, cancellationToken);
    }
}

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
