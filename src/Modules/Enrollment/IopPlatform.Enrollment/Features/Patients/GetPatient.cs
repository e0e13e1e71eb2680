namespace IopPlatform.Enrollment.Features.Patients;

/// <summary>Reads one patient's full record.</summary>
/// <param name="PatientId">Patient id.</param>
internal sealed record GetPatientRequest(Guid PatientId) : IRequest<PatientDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Demographics;

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class GetPatientHandler(IDbConnectionFactory db, IMediator mediator, IAuditScope audit) : IRequestHandler<GetPatientRequest, PatientDto>
{
    public async Task<PatientDto> Handle(GetPatientRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var patient = await PatientStore.FindAsync(connection, request.PatientId, cancellationToken) ?? throw new NotFoundException("Patient", request.PatientId);
        await mediator.Send(new DiscloseRecordsCommand(patient.Id, InformationCategories.Demographics, [$"patient/{patient.Id}"]) { RefusedAs = new("Patient", patient.Id) }, cancellationToken);
        audit.TouchedPatient(patient.Id);
        return patient;
    }
}

internal static class GetPatientEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/patients/{patientId:guid}", async (Guid patientId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var patient = await mediator.Send(new GetPatientRequest(patientId), ct);
                ETag.Set(response, patient.Version);
                return TypedResults.Ok(patient);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Demographics)
            .WithName("GetPatient")
            .WithSummary("Get a patient's record")
            .WithDescription("Returns the full record. A partner app receives it only under a 42 CFR Part 2 consent in force naming it (or covering treatment/payment/operations) " +
                             "for 'demographics' (a TPO consent only when the app is a TPO recipient); otherwise 404, as if the patient did not exist. Partners must send X-Purpose-Of-Use (400 otherwise). " +
                             "Partner responses carry the X-Redisclosure-Notice (§2.32(a)) and X-Consent-Scope (§2.32(b)) headers and are recorded in the accounting of disclosures.")
            .Produces<PatientDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
