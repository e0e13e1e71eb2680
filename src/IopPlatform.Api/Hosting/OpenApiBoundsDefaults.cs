using FluentValidation;
using FluentValidation.Validators;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Gives every string, integer, array and map in the document an upper bound, after the validators' own limits were
/// copied in (<see cref="OpenApiValidatorBounds"/>): what is left gets the bound its type or the platform implies.
/// Runs over the finished document, so endpoints added later are covered without any work of their own.
/// </summary>
internal sealed class OpenApiBoundsDefaults(OpenApiBoundsCatalog catalog) : IDocumentFilter, ISchemaFilter
{
    /// <summary>Ceiling stated for lists that are not paged (embedded in a resource); paged lists hold at most <see cref="Cursor.MaxLimit"/>.</summary>
    public const int DefaultMaxItems = 1000;

    /// <summary>Ceiling stated for maps such as the per-field validation errors.</summary>
    public const int DefaultMaxProperties = 1000;

    private static readonly Dictionary<string, int> FormatLengths = new(StringComparer.Ordinal)
    {
        ["uuid"] = 36,
        ["date-time"] = 33, // 2026-03-02T09:00:00.1234567+00:00
        ["date"] = 10,
        ["time"] = 16, // 09:00:00.1234567
        ["email"] = 254,
        ["uri"] = 2048,
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        // A page never holds more than the largest limit a caller may ask for.
        if (context.Type.IsGenericType && context.Type.GetGenericTypeDefinition() == typeof(CursorPage<>)
            && schema.Properties?.Values.FirstOrDefault(p => p.Type?.HasFlag(JsonSchemaType.Array) == true) is OpenApiSchema items)
        {
            items.MaxItems ??= Cursor.MaxLimit;
            // Both members are always written (items never null, nextCursor null on the last page): generated clients
            // then type items as a list, not "list or undefined".
            items.Type &= ~JsonSchemaType.Null;
            if (schema is OpenApiSchema page)
            {
                page.Required = new HashSet<string>(StringComparer.Ordinal) { "items", "nextCursor" };
            }
        }
    }

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            Bound(schema);
        }
        foreach (var operation in OpenApiWalk.Operations(document))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter { In: ParameterLocation.Query, Name: "limit", Schema: OpenApiSchema limit }
                    && limit.Type?.HasFlag(JsonSchemaType.Integer) == true)
                {
                    // Cursor pagination convention: every list validates limit to 1..Cursor.MaxLimit.
                    limit.Minimum ??= "1";
                    limit.Maximum ??= Cursor.MaxLimit.ToString(CultureInfo.InvariantCulture);
                }
                Bound(parameter.Schema);
            }
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                Bound(media.Schema);
            }
            foreach (var response in operation.Responses?.Values.AsEnumerable() ?? [])
            {
                foreach (var media in response.Content?.Values ?? [])
                {
                    Bound(media.Schema);
                }
                foreach (var header in response.Headers?.Values ?? [])
                {
                    Bound(header.Schema);
                }
            }
        }
        foreach (var header in document.Components?.Headers?.Values ?? [])
        {
            Bound(header.Schema);
        }
    }

    private void Bound(IOpenApiSchema? schema)
    {
        // References are bounded where they are defined (components).
        if (schema is not OpenApiSchema s)
        {
            return;
        }
        var type = s.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.String) && s.Enum is not { Count: > 0 } && s.Const is null)
        {
            s.MaxLength ??= s.Format is { } format && FormatLengths.TryGetValue(format, out var length) ? length : catalog.DefaultMaxLength;
        }
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            var (min, max) = s.Format == "int64" ? (long.MinValue, long.MaxValue) : (int.MinValue, int.MaxValue);
            s.Minimum ??= min.ToString(CultureInfo.InvariantCulture);
            s.Maximum ??= max.ToString(CultureInfo.InvariantCulture);
        }
        if (type.HasFlag(JsonSchemaType.Array))
        {
            s.MaxItems ??= DefaultMaxItems;
        }
        if (s.AdditionalProperties is not null)
        {
            s.MaxProperties ??= DefaultMaxProperties;
        }
        foreach (var property in s.Properties?.Values ?? [])
        {
            Bound(property);
        }
        Bound(s.Items);
        Bound(s.AdditionalProperties);
        foreach (var part in (s.AllOf ?? []).Concat(s.AnyOf ?? []).Concat(s.OneOf ?? []))
        {
            Bound(part);
        }
    }
}

/// <summary>
/// The largest string length any validator of the application allows: the bound stated for strings no validator
/// limits directly (mostly response fields), so it can never be smaller than what a client was allowed to write.
/// </summary>
internal sealed class OpenApiBoundsCatalog
{
    private const int Floor = 1000;

    private readonly Lazy<int> _defaultMaxLength;

    public OpenApiBoundsCatalog(IServiceCollection services, IServiceScopeFactory scopes)
    {
        _defaultMaxLength = new Lazy<int>(() =>
        {
            var validated = services
                .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(d => d.ServiceType)
                .Distinct()
                .ToList();
            using var scope = scopes.CreateScope();
            var largest = validated
                .SelectMany(t => scope.ServiceProvider.GetServices(t).OfType<IValidator>())
                .Select(v => v.CreateDescriptor())
                .SelectMany(d => d.GetMembersWithValidators().SelectMany(m => m))
                .Select(c => c.Validator)
                .OfType<ILengthValidator>()
                .Select(l => l.Max)
                .DefaultIfEmpty(0)
                .Max();
            return Math.Max(Floor, largest);
        });
    }

    public int DefaultMaxLength => _defaultMaxLength.Value;
}

internal static class OpenApiWalk
{
    public static IEnumerable<OpenApiOperation> Operations(OpenApiDocument document) =>
        document.Paths is null
            ? []
            : document.Paths.Values.SelectMany(p => p.Operations is null ? [] : p.Operations.Values.AsEnumerable());
}
