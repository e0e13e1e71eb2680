using System.Globalization;
using System.Text;

namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>Maps the read and search routes of every registered resource type (and nothing else: the table is the only source).</summary>
internal static class FhirEndpoints
{
    public const string CountParameter = "_count";
    public const string CursorParameter = "_cursor";
    private static readonly string[] Ignored = ["_format"];

    public static string BaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}{FhirCodeSystems.BasePath}";
    }

    public static void Map(IEndpointRouteBuilder fhir, IFhirResourceSource source)
    {
        var type = source.Type;
        fhir.MapGet($"/{type}/{{id}}", async (string id, IMediator mediator, CancellationToken ct) =>
                new FhirResult(await mediator.Send(new ReadFhirResourceRequest(type, id, source.Category), ct)))
            .RequireRoles([.. source.Roles])
            .DisclosesPatientRecords(source.Category)
            .WithMetadata(new FhirInteractionMetadata(type, "read"))
            .WithName($"FhirRead{type}")
            .WithSummary($"Read a {type}")
            .WithDescription($"FHIR read of {type} (application/fhir+json). Partner apps receive it only under a 42 CFR Part 2 consent in force; otherwise 404.");

        fhir.MapGet($"/{type}", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
                new FhirResult(await mediator.Send(Search(request, source), ct)))
            .RequireRoles([.. source.Roles])
            .DisclosesPatientRecords(source.Category)
            .WithMetadata(new FhirInteractionMetadata(type, "search-type"))
            .WithName($"FhirSearch{type}")
            .WithSummary($"Search {type}")
            .WithDescription($"FHIR search of {type}: a searchset Bundle with _count and a next link. Partner apps see only what a consent covers.");
    }

    private static SearchFhirResourcesRequest Search(HttpRequest request, IFhirResourceSource source)
    {
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var count = Cursor.DefaultLimit;
        string? cursor = null;
        foreach (var (name, values) in request.Query)
        {
            var given = values.OfType<string>().ToList();
            if (name == CountParameter)
            {
                if (given.Count != 1 || !int.TryParse(given[0], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > Cursor.MaxLimit)
                {
                    throw new BadRequestException(CountParameter, $"_count must be one whole number from 1 to {Cursor.MaxLimit}.");
                }
            }
            else if (name == CursorParameter)
            {
                cursor = given.Count == 1 ? given[0] : throw new BadRequestException(CursorParameter, "_cursor may appear once.");
            }
            else if (source.SearchParameters.Any(p => p.Name == name))
            {
                if (given.Any(v => v.Length == 0 || v.Length > 400))
                {
                    throw new BadRequestException(name, $"Search parameter '{name}' needs a value of at most 400 characters.");
                }
                parameters[name] = given;
            }
            else if (!Ignored.Contains(name, StringComparer.Ordinal))
            {
                throw new BadRequestException(name,
                    $"Unknown or unsupported search parameter '{Clip(name)}' for {source.Type}; supported: {string.Join(", ", source.SearchParameters.Select(p => p.Name).Append(CountParameter))}.");
            }
        }
        var self = BaseUrl(request) + "/" + source.Type + request.QueryString.Value;
        return new SearchFhirResourcesRequest(source.Type, source.Category, new FhirSearch(parameters, count, cursor), self, next => NextUrl(request, source.Type, next));
    }

    private static string NextUrl(HttpRequest request, string type, string cursor)
    {
        var url = new StringBuilder(BaseUrl(request)).Append('/').Append(type).Append('?');
        foreach (var (name, values) in request.Query.Where(q => q.Key != CursorParameter))
        {
            foreach (var value in values)
            {
                url.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty)).Append('&');
            }
        }
        return url.Append(CursorParameter).Append('=').Append(Uri.EscapeDataString(cursor)).ToString();
    }

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
