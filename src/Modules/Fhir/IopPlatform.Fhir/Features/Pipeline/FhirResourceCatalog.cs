namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>The registration table: every resource type the facade serves, in the order the CapabilityStatement lists them.</summary>
internal sealed class FhirResourceCatalog(IEnumerable<IFhirResourceSource> sources)
{
    public IReadOnlyList<IFhirResourceSource> Sources { get; } = [.. sources];

    public IFhirResourceSource Get(string type) =>
        Sources.FirstOrDefault(s => s.Type == type) ?? throw new NotFoundException("Resource type", type);
}

/// <summary>Route metadata: this endpoint is the FHIR <paramref name="Interaction"/> (read or search-type) of <paramref name="Type"/>.</summary>
/// <param name="Type">Resource type.</param>
/// <param name="Interaction"><c>read</c> or <c>search-type</c>.</param>
internal sealed record FhirInteractionMetadata(string Type, string Interaction);

/// <summary>The Part 2 labels: every resource of this program is a 42 CFR Part 2 record, so every one carries them.</summary>
internal static class Part2Labels
{
    public static void Apply(Resource resource)
    {
        resource.Meta ??= new Meta();
        resource.Meta.Security.Add(new Coding(FhirSecurityLabels.ActCodeSystem, FhirSecurityLabels.Part2, "42 CFR Part 2"));
        resource.Meta.Security.Add(new Coding(FhirSecurityLabels.ConfidentialitySystem, FhirSecurityLabels.Restricted, "restricted"));
    }
}
