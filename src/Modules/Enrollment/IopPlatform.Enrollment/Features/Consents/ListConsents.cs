namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>A patient's consents, newest first.</summary>
/// <param name="PatientId">Patient.</param>
internal sealed record ListConsentsRequest(Guid PatientId) : IRequest<IReadOnlyList<ConsentDto>>, IAuditedRequest
{
    public string AuditCategory => "consent";

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListConsentsHandler(IDbConnectionFactory db, IAuditScope audit)
    : IRequestHandler<ListConsentsRequest, IReadOnlyList<ConsentDto>>
{
    public async Task<IReadOnlyList<ConsentDto>> Handle(ListConsentsRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await ConsentStore.EnsurePatientAsync(connection, request.PatientId, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        return await ConsentStore.ReadAsync(connection, "WHERE patient_id = @PatientId ORDER BY id DESC", request, cancellationToken);
    }
}

internal static class ListConsentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/patients/{patientId:guid}/consents", (Guid patientId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListConsentsRequest(patientId), ct), c => ListPage.Key(c.Id), descending: true))
            .RequireRoles(Roles.Staff)
            .WithName("ListConsents")
            .WithSummary("List a patient's consents")
            .WithDescription("All consents of a patient, newest first, including revoked and expired ones.")
            .Produces<CursorPage<ConsentDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
