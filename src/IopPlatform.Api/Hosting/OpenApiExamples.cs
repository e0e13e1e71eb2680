using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Gives every property of every component schema a plausible example derived from its type, format, bounds and
/// pattern, then composes those into a media-type example for each JSON request body, 2xx response and ProblemDetails
/// response. Runs over the finished document (after <see cref="OpenApiBoundsDefaults"/>), so endpoints added later get
/// examples without work of their own. Every value respects its schema (the linters validate examples); where no
/// valid value can be derived (a pattern no candidate matches) the schema is left without an example.
/// </summary>
internal sealed class OpenApiExamples : IDocumentFilter
{
    public const string Uuid = "0195a6e2-7c4b-7d3e-9f12-3a4b5c6d7e8f";
    public const string DateTime = "2026-03-02T18:00:00Z";
    public const string Date = "2026-03-02";
    public const string Time = "18:00:00";
    public const string Email = "case.manager@clinic.example";

    private const int MaxDepth = 12;

    private static readonly Dictionary<string, string> FormatValues = new(StringComparer.Ordinal)
    {
        ["uuid"] = Uuid,
        ["date-time"] = DateTime,
        ["date"] = Date,
        ["time"] = Time,
        ["email"] = Email,
        ["uri"] = "https://partner.example/hooks/iop",
    };

    // Property-name hints (lower-case fragments, first match wins) so strings read like the domain, not "string".
    private static readonly (string Fragment, string Value)[] NameHints =
    [
        // Before "levelofcare": a levelOfCareDifferenceReason is prose, not a code.
        ("reason", "Transportation problems this week"),
        ("timezone", "America/Chicago"),
        ("language", "en"),
        ("levelofcare", "asam-3:2.1"),
        ("diagnos", "F32.1"),
        ("icd", "F32.1"),
        ("mrn", "MRN-004217"),
        ("email", Email),
        ("phone", "+1-312-555-0142"),
        ("url", "https://partner.example/hooks/iop"),
        ("uri", "https://partner.example/hooks/iop"),
        ("firstname", "Maria"),
        ("givenname", "Maria"),
        ("lastname", "Lopez"),
        ("familyname", "Lopez"),
        ("etag", "\"1\""),
        ("cursor", "eyJpZCI6IjAxOTVhNmUyIn0"),
        ("name", "Riverside IOP"),
        ("city", "Chicago"),
        ("state", "IL"),
        ("postal", "60601"),
        ("zip", "60601"),
        ("address", "100 Main St"),
        ("street", "100 Main St"),
        ("note", "Attended group and engaged well."),
        ("text", "Attended group and engaged well."),
        ("comment", "Attended group and engaged well."),
        ("summary", "Attended group and engaged well."),
        ("description", "Evening group for working adults."),
        ("title", "Relapse prevention"),
        ("code", "standard"),
    ];

    // Values tried, in order, against a pattern the name hint does not match: the platform's known vocabularies.
    private static readonly string[] PatternCandidates =
    [
        "asam-3:2.1", "F32.1", "MRN-004217", "en", "en-US", "America/Chicago", Time, "standard", "example",
    ];

    /// <summary>The shape of the traceId the server writes: the W3C trace id of the request (32 hex digits).</summary>
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        foreach (var schema in schemas?.Values ?? [])
        {
            AnnotateLeaves(schema, null, 0);
        }
        var builder = new ExampleBuilder(schemas);
        foreach (var operation in OpenApiWalk.Operations(document))
        {
            foreach (var media in JsonMedia(operation.RequestBody?.Content))
            {
                media.Example ??= builder.Build(media.Schema, Direction.Request);
            }
            foreach (var (status, response) in operation.Responses ?? [])
            {
                foreach (var media in JsonMedia(response.Content))
                {
                    media.Example ??= status.StartsWith('2')
                        ? builder.Build(media.Schema, Direction.Response)
                        : Problem(builder, media.Schema, status);
                }
            }
        }
    }

    private static IEnumerable<OpenApiMediaType> JsonMedia(IDictionary<string, IOpenApiMediaType>? content) =>
        (content ?? new Dictionary<string, IOpenApiMediaType>())
            .Where(c => c.Key.Equals("application/json", StringComparison.OrdinalIgnoreCase) || c.Key.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Value)
            .OfType<OpenApiMediaType>()
            .Where(m => m.Schema is not null);

    private static JsonObject? Problem(ExampleBuilder builder, IOpenApiSchema? schema, string status)
    {
        if (builder.Build(schema, Direction.Response) is not JsonObject problem)
        {
            return null;
        }
        var code = int.Parse(status, CultureInfo.InvariantCulture);
        var title = ReasonPhrases.GetReasonPhrase(code);
        // The type link exactly as the server's ProblemDetails customisation writes it for this status.
        var written = new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = new ProblemDetails { Status = code } };
        ProblemDetailsExceptionHandler.Customize(written);
        if (written.ProblemDetails.Type is { } type)
        {
            Set(problem, "type", type);
        }
        else
        {
            problem.Remove("type");
        }
        Set(problem, "title", title);
        Set(problem, "status", code);
        Set(problem, "detail", code == 400 ? "One or more validation errors occurred." : title + ".");
        problem.Remove("instance");
        if (problem["errors"] is JsonObject errors)
        {
            errors.Clear();
            errors["name"] = new JsonArray("'Name' must not be empty.");
        }
        if (builder.AllowsExtraMembers(schema))
        {
            problem["traceId"] = TraceId;
        }
        return problem;
    }

    private static void Set(JsonObject target, string name, JsonNode value)
    {
        if (target.ContainsKey(name))
        {
            target[name] = value;
        }
    }

    /// <summary>Sets an example on every string, number, integer and boolean schema nested in <paramref name="schema"/>.</summary>
    private static void AnnotateLeaves(IOpenApiSchema? schema, string? name, int depth)
    {
        if (schema is not OpenApiSchema s || depth > MaxDepth)
        {
            return;
        }
        // A nullable reference (allOf: [$ref]) takes the referenced schema's example, not one guessed from its type.
        if (s.Examples is not { Count: > 0 } && s.AllOf is not { Count: > 0 } && Leaf(s, name) is { } example)
        {
            // Written as the schema's `example` in an OpenAPI 3.0 document.
            s.Examples = [example];
        }
        foreach (var (property, child) in s.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            AnnotateLeaves(child, property, depth + 1);
        }
        AnnotateLeaves(s.Items, name, depth + 1);
        AnnotateLeaves(s.AdditionalProperties, name, depth + 1);
        foreach (var part in (s.AllOf ?? []).Concat(s.AnyOf ?? []).Concat(s.OneOf ?? []))
        {
            AnnotateLeaves(part, name, depth + 1);
        }
    }

    /// <summary>The example of a scalar schema, or null when it is not a scalar or no valid value is known.</summary>
    internal static JsonNode? Leaf(OpenApiSchema s, string? name)
    {
        if (s.Enum is { Count: > 0 } values)
        {
            return values.FirstOrDefault(v => v is not null)?.DeepClone();
        }
        var type = s.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.String))
        {
            return Text(s, name) is { } text ? JsonValue.Create(text) : null;
        }
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return Integer(s) is { } integer ? JsonValue.Create(integer) : null;
        }
        if (type.HasFlag(JsonSchemaType.Number))
        {
            return Number(s) is { } number ? JsonValue.Create(number) : null;
        }
        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return JsonValue.Create(true);
        }
        return null;
    }

    private static string? Text(OpenApiSchema s, string? name)
    {
        if (s.Format is { } format && FormatValues.TryGetValue(format, out var formatted))
        {
            return Fits(s, formatted) ? formatted : null;
        }
        var hint = Hint(name);
        IEnumerable<string> candidates = hint is null ? [] : [hint];
        candidates = s.Pattern is null ? candidates.Append("example") : candidates.Concat(PatternCandidates);
        foreach (var candidate in candidates)
        {
            var sized = Resize(candidate, s.MinLength, s.MaxLength);
            if (sized is not null && Fits(s, sized))
            {
                return sized;
            }
        }
        return null;
    }

    private static string? Hint(string? name)
    {
        if (name is null)
        {
            return null;
        }
        var lower = name.ToLowerInvariant();
        foreach (var (fragment, value) in NameHints)
        {
            if (lower.Contains(fragment, StringComparison.Ordinal))
            {
                return value;
            }
        }
        return null;
    }

    private static string? Resize(string value, int? minLength, int? maxLength)
    {
        if (maxLength is { } max && value.Length > max)
        {
            value = max <= 0 ? "" : value[..max].TrimEnd();
        }
        if (minLength is { } min && value.Length < min)
        {
            value = value.PadRight(min, 'x');
        }
        return maxLength is { } limit && value.Length > limit ? null : value;
    }

    private static bool Fits(OpenApiSchema s, string value) =>
        (s.MinLength is not { } min || value.Length >= min)
        && (s.MaxLength is not { } max || value.Length <= max)
        && (s.Pattern is not { } pattern || Matches(pattern, value));

    private static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static long? Integer(OpenApiSchema s)
    {
        // Uncommon constraints are not worth guessing at: no example rather than a wrong one.
        if (s.MultipleOf is not null || s.ExclusiveMinimum is not null || s.ExclusiveMaximum is not null)
        {
            return null;
        }
        var (min, max) = (Bound(s.Minimum), Bound(s.Maximum));
        var low = min is { } lo ? (long)Math.Ceiling(Math.Max(lo, -1e18)) : (long?)null;
        var high = max is { } hi ? (long)Math.Floor(Math.Min(hi, 1e18)) : (long?)null;
        var value = Math.Max(1L, low ?? 1L);
        if (high is { } h && value > h)
        {
            value = h;
        }
        return low is { } l && value < l ? null : value;
    }

    private static double? Number(OpenApiSchema s)
    {
        // Uncommon constraints are not worth guessing at: no example rather than a wrong one.
        if (s.MultipleOf is not null || s.ExclusiveMinimum is not null || s.ExclusiveMaximum is not null)
        {
            return null;
        }
        var (min, max) = (Bound(s.Minimum), Bound(s.Maximum));
        var value = 1.5;
        if (min is { } lo && value <= lo)
        {
            value = lo + (max is { } hi0 && hi0 > lo ? Math.Min(1, (hi0 - lo) / 2) : 1);
        }
        if (max is { } hi && value >= hi)
        {
            value = min is { } lo2 ? (lo2 + hi) / 2 : hi - 1;
        }
        return (min is { } a && value < a) || (max is { } b && value > b) ? null : value;
    }

    private static double? Bound(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    internal enum Direction
    {
        Request,
        Response,
    }

    /// <summary>Composes a whole body from the leaf examples, following references (cycles are cut).</summary>
    internal sealed class ExampleBuilder(IDictionary<string, IOpenApiSchema>? components)
    {
        public JsonNode? Build(IOpenApiSchema? schema, Direction direction) => Build(schema, direction, null, [], 0);

        public bool AllowsExtraMembers(IOpenApiSchema? schema) => Resolve(schema) is { AdditionalPropertiesAllowed: true };

        private OpenApiSchema? Resolve(IOpenApiSchema? schema) => schema switch
        {
            OpenApiSchema s => s,
            OpenApiSchemaReference r when r.Reference.Id is { } id && components is not null && components.TryGetValue(id, out var target) => target as OpenApiSchema,
            _ => null,
        };

        private JsonNode? Build(IOpenApiSchema? schema, Direction direction, string? name, HashSet<string> path, int depth)
        {
            var reference = (schema as OpenApiSchemaReference)?.Reference.Id;
            if (depth > MaxDepth || (reference is not null && path.Contains(reference)) || Resolve(schema) is not { } s)
            {
                return null;
            }
            if (reference is not null)
            {
                path.Add(reference);
            }
            try
            {
                return Compose(s, direction, name, path, depth);
            }
            finally
            {
                if (reference is not null)
                {
                    path.Remove(reference);
                }
            }
        }

        private JsonNode? Compose(OpenApiSchema s, Direction direction, string? name, HashSet<string> path, int depth)
        {
            if (s.Examples is { Count: > 0 } examples && examples[0] is { } example)
            {
                return example.DeepClone();
            }
            if (s.AllOf is [var only])
            {
                return Build(only, direction, name, path, depth + 1);
            }
            if (s.AllOf is { Count: > 0 } allOf)
            {
                var merged = new JsonObject();
                foreach (var part in allOf)
                {
                    if (Build(part, direction, name, path, depth + 1) is not JsonObject piece)
                    {
                        return null;
                    }
                    foreach (var (key, value) in piece.ToList())
                    {
                        piece.Remove(key);
                        merged[key] = value;
                    }
                }
                return merged;
            }
            foreach (var part in (s.OneOf ?? []).Concat(s.AnyOf ?? []))
            {
                if (Build(part, direction, name, path, depth + 1) is { } chosen)
                {
                    return chosen;
                }
            }
            var type = s.Type ?? 0;
            if (type.HasFlag(JsonSchemaType.Array))
            {
                return Array(s, direction, name, path, depth);
            }
            if (type.HasFlag(JsonSchemaType.Object) || s.Properties is { Count: > 0 })
            {
                return Object(s, direction, path, depth);
            }
            if (type == 0 || type == JsonSchemaType.Null)
            {
                // An untyped schema (free-form JSON) accepts anything: an empty object reads as "some JSON".
                return new JsonObject();
            }
            return Leaf(s, name);
        }

        private JsonArray? Array(OpenApiSchema s, Direction direction, string? name, HashSet<string> path, int depth)
        {
            var item = Build(s.Items, direction, name, path, depth + 1);
            var min = s.MinItems ?? 0;
            if (item is null || s.MaxItems is 0 || s.UniqueItems == true && min > 1)
            {
                return min == 0 ? new JsonArray() : null;
            }
            var array = new JsonArray();
            for (var i = 0; i < Math.Max(1, min); i++)
            {
                array.Add(item.DeepClone());
            }
            return array;
        }

        private JsonObject? Object(OpenApiSchema s, Direction direction, HashSet<string> path, int depth)
        {
            var result = new JsonObject();
            var required = s.Required ?? new HashSet<string>();
            foreach (var (name, property) in s.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                var resolved = Resolve(property);
                var skipped = direction == Direction.Request ? resolved?.ReadOnly == true : resolved?.WriteOnly == true;
                if (skipped && !required.Contains(name))
                {
                    continue;
                }
                if (Build(property, direction, name, path, depth + 1) is { } value)
                {
                    result[name] = value;
                }
                else if (required.Contains(name))
                {
                    return null;
                }
            }
            if ((s.Properties is null || s.Properties.Count == 0) && s.AdditionalProperties is { } map
                && (s.MaxProperties ?? 1) >= 1 && Build(map, direction, "key", path, depth + 1) is { } entry)
            {
                result["key"] = entry;
            }
            return result.Count >= (s.MinProperties ?? 0) && result.Count <= (s.MaxProperties ?? int.MaxValue) ? result : null;
        }
    }
}
