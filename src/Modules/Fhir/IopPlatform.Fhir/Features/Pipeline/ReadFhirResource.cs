namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>The FHIR read interaction: one resource by id, through the disclosure door.</summary>
internal sealed record ReadFhirResourceRequest(string Type, string Id, string Category) : IRequest<Resource>, IAuditedRequest
{
    public string AuditCategory => Category;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ReadFhirResourceHandler(FhirResourceCatalog catalog, IMediator mediator, IAuditScope audit) : IRequestHandler<ReadFhirResourceRequest, Resource>
{
    public async Task<Resource> Handle(ReadFhirResourceRequest request, CancellationToken cancellationToken)
    {
        var source = catalog.Get(request.Type);
        audit.Resource($"{request.Type}/{request.Id}");
        var record = await source.ReadAsync(mediator, request.Id, cancellationToken) ?? throw new NotFoundException(request.Type, request.Id);
        // A refusal is answered exactly like a resource that does not exist (same status, same words), as on /api/v1.
        if (!(await mediator.Send(new DiscloseRecordsCommand(record.PatientId, record.Category ?? source.Category, [record.Record]), cancellationToken)).Allowed)
        {
            throw new NotFoundException(request.Type, request.Id);
        }
        audit.TouchedPatient(record.PatientId);
        Part2Labels.Apply(record.Resource);
        return record.Resource;
    }
}
