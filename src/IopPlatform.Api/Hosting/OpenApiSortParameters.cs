namespace IopPlatform.Api.Hosting;

/// <summary>States the <c>sort</c> orders of a list (its <see cref="ListSortMetadata"/>) as the parameter's enum and default.</summary>
internal sealed class OpenApiSortParameters : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var sort = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ListSortMetadata>().FirstOrDefault()?.Sort;
        var parameter = (operation.Parameters ?? []).OfType<OpenApiParameter>().FirstOrDefault(p => p is { In: ParameterLocation.Query, Name: "sort" });
        if (sort is null || parameter?.Schema is not OpenApiSchema schema)
        {
            return;
        }
        schema.Enum = [.. sort.Allowed.Select(a => (System.Text.Json.Nodes.JsonNode)a)];
        schema.Default = sort.Allowed[0];
        schema.MaxLength = null;
        parameter.Description = $"Order of the list: a name sorts ascending, -name descending (default {sort.Allowed[0]}); ties are broken by id.";
    }
}
