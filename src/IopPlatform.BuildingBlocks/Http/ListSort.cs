namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// The <c>sort</c> query parameter of a list: one of an allow-list of orders, the first being the default. A name sorts
/// ascending, <c>-name</c> descending; the id breaks ties, so a cursor stays exact. Anything else is a 400 on <c>sort</c>
/// naming the allowed values, which the OpenAPI document states as the parameter's <c>enum</c>.
/// </summary>
public sealed record ListSort(IReadOnlyList<string> Allowed)
{
    /// <summary>The order asked for, or the default when <paramref name="sort"/> is left out.</summary>
    public string Parse(string? sort)
    {
        if (string.IsNullOrEmpty(sort))
        {
            return Allowed[0];
        }
        return Allowed.FirstOrDefault(a => string.Equals(a, sort, StringComparison.Ordinal))
            ?? throw new BadRequestException("sort", $"sort must be one of: {string.Join(", ", Allowed)}.");
    }

    /// <summary>True when the order is descending (<c>-name</c>).</summary>
    public static bool IsDescending(string order) => order.StartsWith('-');
}

/// <summary>Endpoint metadata: the list's sort orders, written into the document as the <c>sort</c> parameter's enum.</summary>
public sealed record ListSortMetadata(ListSort Sort);

/// <summary>Declares the <c>sort</c> orders of a list endpoint.</summary>
public static class ListSortEndpoints
{
    /// <summary>Records the allowed orders of the endpoint's <c>sort</c> parameter.</summary>
    public static RouteHandlerBuilder WithSort(this RouteHandlerBuilder builder, ListSort sort) =>
        builder.WithMetadata(new ListSortMetadata(sort)).ProducesValidationProblem();
}
