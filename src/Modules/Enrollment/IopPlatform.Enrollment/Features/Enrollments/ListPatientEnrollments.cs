namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>A patient's enrollments, newest first, a page at a time.</summary>
/// <param name="PatientId">Patient id.</param>
/// <param name="Limit">Page size 1–200.</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
internal sealed record ListPatientEnrollmentsRequest(Guid PatientId, int Limit, string? Cursor) : IRequest<CursorPage<EnrollmentDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListPatientEnrollmentsHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit)
    : IRequestHandler<ListPatientEnrollmentsRequest, CursorPage<EnrollmentDto>>
{
    private const string PatientExists = "SELECT COUNT(*) FROM enrollment_patient WHERE id = @PatientId";

    public async Task<CursorPage<EnrollmentDto>> Handle(ListPatientEnrollmentsRequest request, CancellationToken cancellationToken)
    {
        ListPage.CheckLimit(request.Limit);
        var before = Cursor.Decode(request.Cursor);
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(PatientExists, request, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Patient", request.PatientId);
        }
        // Only the page is read, so only the page is disclosed and accounted for.
        var sql = $"SELECT {EnrollmentStore.Columns} {EnrollmentStore.From} WHERE e.patient_id = @PatientId" +
                  (before is null ? string.Empty : " AND e.id < @Before") + $" ORDER BY e.id DESC {dialect.Limit("@Take")}";
        var page = Cursor.Page((await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(
            sql, new { request.PatientId, Before = before, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList(), request.Limit, r => r.Id);
        var rows = page.Items;
        await mediator.Send(new DiscloseRecordsCommand(request.PatientId, InformationCategories.Enrollment, [.. rows.Select(r => $"enrollment/{r.Id}")]) { RefusedAs = new("Patient", request.PatientId) }, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        var result = new List<EnrollmentDto>();
        foreach (var row in rows)
        {
            result.Add(await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken));
        }
        return new CursorPage<EnrollmentDto>(result, page.NextCursor);
    }
}

internal static class ListPatientEnrollmentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/patients/{patientId:guid}/enrollments", (Guid patientId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListPatientEnrollmentsRequest(patientId, limit, cursor), ct))
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("ListPatientEnrollments")
            .WithSummary("List a patient's enrollments")
            .WithDescription("All episodes of care of one patient, newest first. Partner apps need a consent covering 'enrollment' and must send X-Purpose-Of-Use; their responses carry the §2.32 headers and are accounted for.")
            .Produces<CursorPage<EnrollmentDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
