namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Reads one enrollment with its screening, care team and status history.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
internal sealed record GetEnrollmentRequest(Guid EnrollmentId) : IRequest<EnrollmentDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetEnrollmentHandler(IDbConnectionFactory db, IMediator mediator, IAuditScope audit) : IRequestHandler<GetEnrollmentRequest, EnrollmentDto>
{
    public async Task<EnrollmentDto> Handle(GetEnrollmentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await EnrollmentStore.GetRowAsync(connection, request.EnrollmentId, cancellationToken);
        await mediator.Send(new DiscloseRecordsCommand(row.PatientId, InformationCategories.Enrollment, [$"enrollment/{row.Id}"]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        audit.TouchedPatient(row.PatientId);
        return await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken);
    }
}

internal static class GetEnrollmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/enrollments/{enrollmentId:guid}", async (Guid enrollmentId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var enrollment = await mediator.Send(new GetEnrollmentRequest(enrollmentId), ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("GetEnrollment")
            .WithSummary("Get an enrollment")
            .WithDescription("The episode of care with screening, eligibility findings, care team, allowed transitions and status history. Partner apps need a consent covering 'enrollment' and must send X-Purpose-Of-Use; their responses carry the §2.32 headers and are accounted for.")
            .Produces<EnrollmentDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
