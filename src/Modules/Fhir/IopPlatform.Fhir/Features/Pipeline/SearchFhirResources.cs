namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>The FHIR search-type interaction: a searchset Bundle of what the disclosure door lets through.</summary>
/// <param name="Type">Resource type.</param>
/// <param name="Category">Its consent category.</param>
/// <param name="Search">Parsed parameters.</param>
/// <param name="SelfUrl">The request's own URL (the Bundle's self link).</param>
/// <param name="NextUrl">Makes the next page's URL from its cursor.</param>
internal sealed record SearchFhirResourcesRequest(string Type, string Category, FhirSearch Search, string SelfUrl, Func<string, string> NextUrl)
    : IRequest<Bundle>, IAuditedRequest
{
    public string AuditCategory => Category;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class SearchFhirResourcesHandler(FhirResourceCatalog catalog, IMediator mediator, IAuditScope audit, TimeProvider clock)
    : IRequestHandler<SearchFhirResourcesRequest, Bundle>
{
    public async Task<Bundle> Handle(SearchFhirResourcesRequest request, CancellationToken cancellationToken)
    {
        var source = catalog.Get(request.Type);
        var page = await source.SearchAsync(mediator, request.Search, cancellationToken);
        var bundle = new Bundle
        {
            Id = Guid.CreateVersion7().ToString(),
            Type = Bundle.BundleType.Searchset,
            Meta = new Meta { LastUpdated = clock.GetUtcNow() },
        };
        foreach (var record in page.Records)
        {
            // Each resource a partner receives is a disclosure in its own right; the door has the last word on each.
            if (!(await mediator.Send(new DiscloseRecordsCommand(record.PatientId, record.Category ?? source.Category, [record.Record]), cancellationToken)).Allowed)
            {
                continue;
            }
            audit.TouchedPatient(record.PatientId);
            Part2Labels.Apply(record.Resource);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{request.SelfUrl[..request.SelfUrl.IndexOf(FhirCodeSystems.BasePath, StringComparison.Ordinal)]}{FhirCodeSystems.BasePath}/{request.Type}/{record.Resource.Id}",
                Resource = record.Resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        Part2Labels.Apply(bundle);
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = request.SelfUrl });
        if (page.NextCursor is { } cursor)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = request.NextUrl(cursor) });
        }
        return bundle;
    }
}
