namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>One search parameter a resource type supports; the CapabilityStatement and the 400 for unknown parameters both read it.</summary>
/// <param name="Name">Parameter name, e.g. <c>birthdate</c>.</param>
/// <param name="Type">FHIR search parameter type.</param>
/// <param name="Documentation">What it matches, for the CapabilityStatement.</param>
internal sealed record FhirSearchParameter(string Name, SearchParamType Type, string Documentation);

/// <summary>A resource on its way out, with what the disclosure door must judge before it leaves.</summary>
/// <param name="Resource">The FHIR resource.</param>
/// <param name="PatientId">The patient whose records it carries.</param>
/// <param name="Record">The accounting record, the same words /api/v1 writes (e.g. <c>patient/{id}</c>).</param>
/// <param name="Category">Its consent category when it differs from the type's (an Observation of a measure is <c>outcomes</c>).</param>
internal sealed record FhirRecord(Resource Resource, Guid PatientId, string Record, string? Category = null);

/// <summary>A page of records before the door, and the opaque cursor of the next page (null on the last).</summary>
internal sealed record FhirRecordPage(IReadOnlyList<FhirRecord> Records, string? NextCursor);

/// <summary>A parsed search: the parameters the caller sent (validated against the type's own list), page size and cursor.</summary>
internal sealed record FhirSearch(IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters, int Count, string? Cursor)
{
    public IReadOnlyList<string> Values(string name) => Parameters.TryGetValue(name, out var values) ? values : [];

    public string? Single(string name) => Values(name) switch
    {
        [] => null,
        [var one] => one,
        _ => throw new BadRequestException(name, $"Search parameter '{name}' may appear once."),
    };
}

/// <summary>
/// A resource type the facade serves (a stateless singleton; it reads the modules through the mediator it is given): one registration gives its routes, its roles, its consent category, its search
/// parameters and the CapabilityStatement entry, so what is published and what is mapped cannot differ.
/// </summary>
internal interface IFhirResourceSource
{
    /// <summary>FHIR resource type, e.g. <c>Patient</c>.</summary>
    string Type { get; }

    /// <summary>The consent information category of its records (see <see cref="InformationCategories"/>).</summary>
    string Category { get; }

    /// <summary>The roles that may read it, the same as its /api/v1 reads.</summary>
    IReadOnlyList<string> Roles { get; }

    /// <summary>Profiles its resources claim (meta.profile and the CapabilityStatement's supportedProfile).</summary>
    IReadOnlyList<string> Profiles { get; }

    IReadOnlyList<FhirSearchParameter> SearchParameters { get; }

    /// <summary>One record by FHIR id; null when it does not exist.</summary>
    Task<FhirRecord?> ReadAsync(IMediator mediator, string id, CancellationToken ct);

    /// <summary>A page of candidates in a stable order; the door filters them afterwards.</summary>
    Task<FhirRecordPage> SearchAsync(IMediator mediator, FhirSearch search, CancellationToken ct);
}
