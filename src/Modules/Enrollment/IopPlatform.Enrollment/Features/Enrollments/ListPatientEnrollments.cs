namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>A patient's enrollments, newest first.</summary>
/// <param name="PatientId">Patient id.</param>
internal sealed record ListPatientEnrollmentsRequest(Guid PatientId) : IRequest<IReadOnlyList<EnrollmentDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListPatientEnrollmentsHandler(IDbConnectionFactory db, IMediator mediator, IAuditScope audit)
    : IRequestHandler<ListPatientEnrollmentsRequest, IReadOnlyList<EnrollmentDto>>
{
    private const string PatientExists = "SELECT COUNT(*) FROM enrollment_patient WHERE id = @PatientId";

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

internal static class ListPatientEnrollmentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/patients/{patientId:guid}/enrollments", (Guid patientId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new ListPatientEnrollmentsRequest(patientId), ct))
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("ListPatientEnrollments")
            .WithSummary("List a patient's enrollments")
            .WithDescription("All episodes of care of one patient, newest first. Partner apps need a consent covering 'enrollment' and must send X-Purpose-Of-Use; their responses carry the §2.32 headers and are accounted for.")
            .Produces<IReadOnlyList<EnrollmentDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
