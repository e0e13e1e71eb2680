using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IopPlatform.Reliability.Tests.BadInput;

/// <summary>One operation of the OpenAPI document.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, JsonNode? BodySchema)
{
    public string Name => $"{Method} {Path}";

    public bool Mutates => Method is not "GET";
}

public sealed record ApiParameter(string Name, string In, JsonNode Schema);

/// <summary>
/// One generated request. <see cref="Expected"/>, when set, is the only set of statuses allowed (e.g. 413 for a body over
/// the limit); otherwise any non-5xx answer is fine as long as it is well formed.
/// </summary>
public sealed record FuzzCase(ApiOperation Operation, string Kind, string Url, byte[]? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers, IReadOnlySet<int>? Expected = null)
{
    public override string ToString() => $"{Operation.Method} {Url} [{Kind}]";

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Operation.Method), Url);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}

/// <summary>
/// Generates bad requests for every operation of an OpenAPI 3 document: a plausible request per operation is built from
/// the schemas (ids of seeded rows where a name matches), then each generator breaks one thing in it. Deterministic
/// for a given seed.
/// </summary>
public sealed class OpenApiFuzzer
{
    private const string Json = "application/json";

    private static readonly string[] Injection =
    [
        "' OR '1'='1", "'; DROP TABLE enrollment_site; --", "\" OR 1=1 --", "1; SELECT pg_sleep(30); --", "') UNION SELECT * FROM integration_api_client --",
        "%' AND 1=0 UNION ALL SELECT NULL --", "\\'; EXEC xp_cmdshell('dir'); --",
    ];

    private static readonly string[] Script =
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://127.0.0.1/a}", "javascript:alert(1)", "\"><svg onload=alert(1)>",
    ];

    private static readonly string[] OddText =
    [
        "", " ", "\u0000", "\u202Etxt.exe", "\uFEFF", "😀😀😀", "a\r\nX-Injected: 1", new string('\t', 10), "..\\..\\..\\windows\\win.ini", "../../../etc/passwd", "null", "undefined", "NaN",
    ];

    private static readonly string[] BadDates =
    [
        "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "-2026-03-10", "2026-3-1", "yesterday", "1/2/2026", "2026-02-29",
    ];

    private static readonly string[] BadDateTimes =
    [
        "2026-03-10T25:00:00Z", "2026-03-10T10:61:00Z", "2026-02-30T10:00:00Z", "2026-03-10T10:00:00+25:00", "2026-03-10T10:00:00+14:01", "2026-03-10T10:00:00",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-03-10 10:00", "1741600000", "2026-03-08T02:30:00-06:00",
    ];

    private static readonly string[] BadTimes = ["25:00", "12:60", "-01:00", "24:00:00", "12:00:00.9999999999", "noon", "12"];

    private static readonly string[] BadZones = ["Mars/Olympus", "UTC+25", "America/New_York\u0000", "Etc/GMT+15", "../../../etc/localtime", "EST5EDT,M3.2.0,M11.1.0", "local"];

    private static readonly string[] BadPathIds =
    [
        "not-a-guid", "1", "-1", "00000000-0000-0000-0000-00000000000g", "%27%20OR%201%3D1%20--", "%20", "..%2F..%2Fsites", new string('a', 300), "%F0%28%8C%BC", "{0}", "null",
        "%00", "abc%00def", "%00%00%00",
    ];

    private readonly JsonObject _document;
    private readonly JsonObject _schemas;
    private readonly Random _random;
    private readonly IReadOnlyDictionary<string, Guid> _ids;

    /// <param name="ids">Ids of seeded rows by name without "Id" (site, program, patient, ...): a request then reaches
    /// past "not found" into validation and the handler.</param>
    public OpenApiFuzzer(JsonObject document, int seed, IReadOnlyDictionary<string, Guid> ids)
    {
        _document = document;
        _schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        _random = new Random(seed);
        _ids = ids;
    }

    public IReadOnlyList<ApiOperation> Operations()
    {
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in _document["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                var parameters = op!["parameters"]?.AsArray()
                    .Select(p => new ApiParameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), Resolve(p["schema"]) ?? new JsonObject()))
                    .ToList() ?? [];
                var body = op["requestBody"]?["content"]?[Json]?["schema"];
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, parameters, body is null ? null : Resolve(body)));
            }
        }
        return operations;
    }

    public List<FuzzCase> Generate(ApiOperation operation)
    {
        var cases = new List<FuzzCase>();
        var url = Url(operation, null, null);
        var body = operation.BodySchema is null ? null : Sample(operation.BodySchema, null, 0) as JsonObject;
        var headers = BaseHeaders(operation);

        // Path parameters that are not ids.
        foreach (var p in operation.Parameters.Where(p => p.In == "path"))
        {
            foreach (var bad in BadPathIds)
            {
                cases.Add(Case(operation, $"path {p.Name}={bad}", Url(operation, p.Name, bad), body, headers));
            }
            cases.Add(Case(operation, $"path {p.Name} unknown", Url(operation, p.Name, Guid.CreateVersion7().ToString()), body, headers));
        }

        // A NUL in a path segment, on every operation (with path parameters, also in each of them above).
        cases.Add(Case(operation, "NUL path segment", (url.Contains('?', StringComparison.Ordinal) ? url[..url.IndexOf('?', StringComparison.Ordinal)] : url) + "/%00", body, headers));

        // Query parameters of the wrong type or out of range.
        foreach (var p in operation.Parameters.Where(p => p.In == "query"))
        {
            foreach (var bad in BadQueryValues(p))
            {
                cases.Add(Case(operation, $"query {p.Name}={Short(bad)}", url + (url.Contains('?', StringComparison.Ordinal) ? '&' : '?') + p.Name + "=" + Uri.EscapeDataString(bad), body, headers));
            }
        }

        // Reads also get noise that must be ignored or refused cleanly (writes would turn a valid body into a write).
        if (!operation.Mutates)
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            cases.Add(Case(operation, "unknown query parameter", url + separator + "unexpected=1", body, headers));
            cases.Add(Case(operation, "broken percent-encoding", url + separator + "x=%zz%", body, headers));
            cases.Add(Case(operation, "huge query string", url + separator + "pad=" + new string('q', 8000), body, headers));
            cases.Add(Case(operation, "Accept xml", url, body, With(headers, "Accept", "application/xml")));
            cases.Add(Case(operation, "huge purpose of use", url, body, With(headers, "X-Purpose-Of-Use", new string('p', 5000))));
            cases.Add(Case(operation, "script in purpose of use", url, body, With(headers, "X-Purpose-Of-Use", "<script>alert(1)</script>")));
            cases.Add(Case(operation, "repeated query parameter", url + separator + "limit=1&limit=2", body, headers));
            cases.Add(Case(operation, "unicode query value", url + separator + "q=" + Uri.EscapeDataString("𝕏'; DROP TABLE x;--"), body, headers));
            cases.Add(Case(operation, "garbage If-None-Match", url, body, With(headers, "If-None-Match", "garbage")));
            cases.Add(Case(operation, "Range header", url, body, With(headers, "Range", "bytes=0-1")));
        }

        // Headers: broken preconditions and idempotency keys.
        if (operation.Mutates)
        {
            foreach (var bad in new[] { "garbage", "\"abc\"", "\"-1\"", "\"99999999999999999999\"", "W/\"0\"", "*", "\"1\", \"2\"", "\"\"" })
            {
                cases.Add(Case(operation, $"If-Match {bad}", url, body, With(headers, "If-Match", bad)));
            }
            foreach (var bad in new[] { new string('k', 300), " ", "key\twith\ttabs" })
            {
                cases.Add(Case(operation, $"Idempotency-Key {Short(bad)}", url, body, With(headers, "Idempotency-Key", bad)));
            }
        }

        if (body is not null)
        {
            AddBodyCases(operation, url, body, headers, cases);
        }
        else if (operation.Mutates)
        {
            // An operation without a body still must not choke on one.
            cases.Add(Raw(operation, "unexpected body", url, Encoding.UTF8.GetBytes("{\"surprise\":true}"), Json, headers));
            cases.Add(Raw(operation, "unexpected malformed body", url, Encoding.UTF8.GetBytes("{\"surprise\":"), Json, headers));
        }
        return cases;
    }

    private void AddBodyCases(ApiOperation operation, string url, JsonObject body, IReadOnlyDictionary<string, string> headers, List<FuzzCase> cases)
    {
        var tooLarge = new HashSet<int> { 413 };
        var unsupported = new HashSet<int> { 415, 403 };

        // Whole-body damage.
        foreach (var (kind, text) in new[]
        {
            ("empty object", "{}"), ("null", "null"), ("array", "[]"), ("string", "\"text\""), ("number", "123"), ("truncated", "{"),
            ("missing value", "{\"a\":}"), ("trailing comma", body.ToJsonString()[..^1] + ",}"), ("single quotes", "{'name':'x'}"), ("comments", "/* hi */ {}"),
            ("nan", "{\"x\": NaN}"), ("empty", string.Empty), ("whitespace", "   "), ("two documents", "{}{}"), ("bom", "\uFEFF{}"),
            ("duplicate keys", DuplicateKeys(body)), ("deep nesting", new string('[', 500) + new string(']', 500)), ("deep objects", Nest(200)),
            ("lone surrogate", "{\"x\":\"\\uD800\"}"), ("escaped nul", "{\"x\":\"\\u0000\"}"),
        })
        {
            cases.Add(Raw(operation, $"body {kind}", url, Encoding.UTF8.GetBytes(text), Json, headers));
        }
        cases.Add(Raw(operation, "body invalid UTF-8", url, [.. Encoding.UTF8.GetBytes("{\"name\":\""), 0xC3, 0x28, 0xFF, 0xFE, 0x80, .. Encoding.UTF8.GetBytes("\"}")], Json, headers));
        cases.Add(Raw(operation, "body invalid UTF-8 everywhere", url, [0xFF, 0xFE, 0xFD, 0x7B, 0x80, 0x81, 0x7D], Json, headers));
        cases.Add(Raw(operation, "body over the limit", url, Encoding.UTF8.GetBytes("{\"x\":\"" + new string('x', 1_100_000) + "\"}"), Json, headers, tooLarge));
        cases.Add(Raw(operation, "body just under the limit", url, Encoding.UTF8.GetBytes("{\"x\":\"" + new string('y', 1_000_000) + "\"}"), Json, headers));
        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "image/png" })
        {
            cases.Add(Raw(operation, $"content type {type}", url, Encoding.UTF8.GetBytes(body.ToJsonString()), type, headers, unsupported));
        }
        cases.Add(Raw(operation, "no content type", url, Encoding.UTF8.GetBytes(body.ToJsonString()), null, headers, unsupported));
        cases.Add(Raw(operation, "json in latin1", url, Encoding.Latin1.GetBytes("{\"name\":\"Zoë\"}"), "application/json; charset=iso-8859-1", headers));

        // Charset parameters: unknown ones are refused before anything reads the body; known ones never crash.
        cases.Add(Raw(operation, "charset bogus", url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=bogus", headers, unsupported));
        cases.Add(Raw(operation, "charset empty quoted", url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=\"\"", headers));
        cases.Add(Raw(operation, "charset quoted utf-8", url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=\"utf-8\"", headers));
        cases.Add(Raw(operation, "charset utf-16 with utf-8 bytes", url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=utf-16", headers));
        cases.Add(Raw(operation, "charset utf-32", url, Encoding.UTF32.GetBytes(body.ToJsonString()), "application/json; charset=utf-32", headers));
        cases.Add(Raw(operation, "two charsets", url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=utf-8; charset=bogus", headers));

        // Null items in every array of the body, at any depth; and 10,000 invalid items, whose errors must not be echoed in full.
        var arrays = CountArrays(body);
        for (var i = 0; i < arrays; i++)
        {
            var nulls = body.DeepClone().AsObject();
            var at = ReplaceArray(nulls, i, _ => new JsonArray(null, null));
            cases.Add(Case(operation, $"null items in {at}", url, nulls, headers));
            var invalid = body.DeepClone().AsObject();
            at = ReplaceArray(invalid, i, array => new JsonArray(Enumerable.Range(0, 10_000)
                .Select(n => array.FirstOrDefault() is JsonObject ? new JsonObject() : (JsonNode)JsonValue.Create($"invalid-value-{n:D5}-{new string('v', 24)}"))
                .ToArray()));
            cases.Add(Case(operation, $"10k invalid items in {at}", url, invalid, headers));
        }

        // Extra fields.
        foreach (var (name, value) in new (string, JsonNode?)[] { ("unexpected", 1), ("id", Guid.CreateVersion7().ToString()), ("version", 99), ("__proto__", new JsonObject()), ("createdAt", "2000-01-01T00:00:00Z") })
        {
            var extra = body.DeepClone().AsObject();
            extra[name] = value;
            cases.Add(Case(operation, $"extra field {name}", url, extra, headers));
        }

        // One property at a time: missing, of the wrong type, or with a hostile value.
        var properties = Properties(operation.BodySchema!);
        foreach (var (name, schema) in properties)
        {
            var missing = body.DeepClone().AsObject();
            missing.Remove(name);
            cases.Add(Case(operation, $"{name} missing", url, missing, headers));
            foreach (var (kind, value) in BadValues(name, schema))
            {
                var broken = body.DeepClone().AsObject();
                broken[name] = value?.DeepClone();
                cases.Add(Case(operation, $"{name} {kind}", url, broken, headers));
            }
            // Nested objects and array items get their own breakage, one level down.
            var inner = Resolve(schema["type"]?.GetValue<string>() == "array" ? schema["items"] : schema);
            if (inner is not null && Properties(inner).Count > 0 && body[name] is not null)
            {
                foreach (var (innerName, innerSchema) in Properties(inner).Take(6))
                {
                    foreach (var (kind, value) in BadValues(innerName, innerSchema).Where((_, i) => i % 3 == 0))
                    {
                        var broken = body.DeepClone().AsObject();
                        var target = broken[name] is JsonArray array && array.Count > 0 ? array[0] as JsonObject : broken[name] as JsonObject;
                        if (target is null)
                        {
                            continue;
                        }
                        target[innerName] = value?.DeepClone();
                        cases.Add(Case(operation, $"{name}.{innerName} {kind}", url, broken, headers));
                    }
                }
            }
        }
    }

    private IEnumerable<(string Kind, JsonNode? Value)> BadValues(string name, JsonNode schema)
    {
        var type = schema["type"]?.GetValue<string>();
        var format = FormatOf(schema);
        var enumValues = schema["enum"]?.AsArray();

        // Wrong JSON types (always).
        yield return ("null", null);
        yield return ("object", new JsonObject { ["a"] = 1 });
        yield return ("array", new JsonArray(1, 2));
        yield return ("bool", true);
        yield return (type is "string" ? "number" : "string", type is "string" ? JsonValue.Create(12345) : JsonValue.Create("not a " + (type ?? "value")));

        if (type is "string" || enumValues is not null)
        {
            yield return ("huge string", new string('x', 100_000));
            yield return ("long string", new string('é', 5_000));
            yield return ("injection", Pick(Injection));
            yield return ("injection 2", Pick(Injection));
            yield return ("script", Pick(Script));
            yield return ("odd text", Pick(OddText));
            yield return ("odd text 2", Pick(OddText));
        }
        if (enumValues is not null)
        {
            yield return ("unknown enum", "definitely_not_a_value");
            yield return ("enum in caps", enumValues.FirstOrDefault()?.ToString().ToUpperInvariant() ?? "X");
            yield return ("enum as number", 99);
            yield return ("enum empty", string.Empty);
        }
        switch (format)
        {
            case "uuid":
                yield return ("bad uuid", "not-a-guid");
                yield return ("empty uuid", Guid.Empty.ToString());
                yield return ("unknown uuid", Guid.CreateVersion7().ToString());
                yield return ("uuid with braces", "{" + Guid.CreateVersion7() + "}");
                break;
            case "date":
                foreach (var d in BadDates.OrderBy(_ => _random.Next()).Take(6))
                {
                    yield return ($"date {d}", d);
                }
                break;
            case "date-time":
                foreach (var d in BadDateTimes.OrderBy(_ => _random.Next()).Take(7))
                {
                    yield return ($"date-time {d}", d);
                }
                break;
            case "time":
                foreach (var t in BadTimes.OrderBy(_ => _random.Next()).Take(4))
                {
                    yield return ($"time {t}", t);
                }
                break;
        }
        if (type is "string" && name.Contains("zone", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var z in BadZones)
            {
                yield return ($"zone {z}", z);
            }
        }
        if (type is "integer" or "number")
        {
            yield return ("negative", -1);
            yield return ("zero", 0);
            yield return ("int min", int.MinValue);
            yield return ("int overflow", JsonNode.Parse("2147483648"));
            yield return ("long overflow", JsonNode.Parse("9223372036854775808"));
            yield return ("huge", JsonNode.Parse("1e400"));
            yield return ("tiny", JsonNode.Parse("-1e400"));
            yield return ("fraction", 1.5);
            yield return ("numeric string", "12");
        }
        if (type is "array")
        {
            yield return ("empty array", new JsonArray());
            yield return ("array of nulls", new JsonArray(null, null));
            var item = Sample(Resolve(schema["items"]) ?? new JsonObject(), name, 1);
            yield return ("10k items", new JsonArray(Enumerable.Range(0, 10_000).Select(_ => item?.DeepClone()).ToArray()));
            yield return ("duplicate items", new JsonArray(item?.DeepClone(), item?.DeepClone()));
        }
    }

    private static IEnumerable<string> BadQueryValues(ApiParameter p)
    {
        var type = p.Schema["type"]?.GetValue<string>();
        var format = p.Schema["format"]?.GetValue<string>();
        yield return "' OR 1=1 --";
        yield return "<script>alert(1)</script>";
        yield return new string('q', 4_000);
        yield return string.Empty;
        yield return "%00";
        if (type is "integer")
        {
            foreach (var v in new[] { "-1", "0", "201", "2147483648", "1e3", "1.5", "abc", "0x10" })
            {
                yield return v;
            }
        }
        if (format is "uuid" || type is "array")
        {
            yield return "not-a-guid";
            yield return Guid.Empty.ToString();
        }
        if (format is "date")
        {
            foreach (var d in BadDates.Take(5))
            {
                yield return d;
            }
        }
        if (format is "date-time")
        {
            foreach (var d in BadDateTimes.Take(6))
            {
                yield return d;
            }
        }
        if (p.Name == "cursor")
        {
            foreach (var c in new[] { "!!!", "AAAA", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"id\":\"x\"}")), Convert.ToBase64String(new byte[40]), "eyJ", new string('A', 1000) })
            {
                yield return c;
            }
        }
    }

    private JsonNode? Sample(JsonNode schema, string? name, int depth)
    {
        schema = Resolve(schema) ?? schema;
        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]!.DeepClone();
        }
        var type = schema["type"]?.GetValue<string>();
        var format = FormatOf(schema);
        switch (type)
        {
            case "object" or null when schema["properties"] is JsonObject:
                if (depth > 4)
                {
                    return new JsonObject();
                }
                var obj = new JsonObject();
                foreach (var (property, propertySchema) in Properties(schema))
                {
                    obj[property] = Sample(propertySchema, property, depth + 1);
                }
                return obj;
            case "array":
                return depth > 4 ? new JsonArray() : new JsonArray(Sample(schema["items"] ?? new JsonObject(), Singular(name), depth + 1));
            case "integer":
                return 1;
            case "number":
                return 2.5;
            case "boolean":
                return false;
            case "string":
                return format switch
                {
                    "uuid" => KnownId(name).ToString(),
                    "date" => "2026-03-10",
                    "date-time" => "2026-03-10T15:00:00Z",
                    "time" => "18:00",
                    _ => TextFor(name),
                };
            default:
                return "x";
        }
    }

    private Guid KnownId(string? name)
    {
        var key = (name ?? string.Empty).Replace("Ids", string.Empty, StringComparison.Ordinal).Replace("Id", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        return _ids.TryGetValue(key, out var id) ? id : Guid.CreateVersion7();
    }

    // TimeOnly is documented by a pattern (format "time" would demand a UTC offset); it is fuzzed as a time.
    private const string TimeOfDayPattern = @"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,7})?)?$";

    private static string? FormatOf(JsonNode schema) =>
        schema["format"]?.GetValue<string>() ?? (schema["pattern"]?.GetValue<string>() == TimeOfDayPattern ? "time" : null);

    private static string TextFor(string? name) => name?.ToLowerInvariant() switch
    {
        "timezone" => "America/Chicago",
        "levelofcare" or "recommendedlevelofcare" or "actuallevelofcare" => "asam-3:2.1",
        "mrn" => "MRN-FUZZ-1",
        "preferredlanguage" => "en",
        "email" => "fuzz@example.org",
        "phone" => "+1 312 555 0100",
        "country" => "US",
        "instrument" => "phq9",
        _ => "fuzz",
    };

    private string Url(ApiOperation operation, string? brokenName, string? brokenValue)
    {
        var url = operation.Path;
        foreach (var p in operation.Parameters.Where(p => p.In == "path"))
        {
            var value = p.Name == brokenName ? brokenValue! : p.Schema["format"]?.GetValue<string>() == "uuid" ? KnownId(p.Name).ToString() : "fuzz-user";
            url = url.Replace("{" + p.Name + "}", value, StringComparison.Ordinal);
        }
        return url;
    }

    private static Dictionary<string, string> BaseHeaders(ApiOperation operation) =>
        operation.Method is "PUT" or "POST" ? new Dictionary<string, string>(StringComparer.Ordinal) { ["If-Match"] = "\"1\"" } : new(StringComparer.Ordinal);

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> headers, string name, string value) =>
        new(headers, StringComparer.Ordinal) { [name] = value };

    private static FuzzCase Case(ApiOperation operation, string kind, string url, JsonNode? body, IReadOnlyDictionary<string, string> headers) =>
        new(operation, kind, url, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), body is null ? null : Json, headers);

    private static FuzzCase Raw(ApiOperation operation, string kind, string url, byte[] body, string? contentType, IReadOnlyDictionary<string, string> headers, IReadOnlySet<int>? expected = null) =>
        new(operation, kind, url, body, contentType, headers, expected);

    private List<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
        (Resolve(schema)?["properties"] as JsonObject)?.Select(p => (p.Key, Resolve(p.Value) ?? new JsonObject())).ToList() ?? [];

    /// <summary>Follows <c>$ref</c> (and a single-entry allOf, as Swashbuckle writes for described references).</summary>
    private JsonNode? Resolve(JsonNode? schema)
    {
        for (var i = 0; i < 10 && schema is not null; i++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = _schemas[reference[(reference.LastIndexOf('/') + 1)..]];
            }
            else if (schema["allOf"] is JsonArray { Count: 1 } all)
            {
                schema = all[0];
            }
            else
            {
                return schema;
            }
        }
        return schema;
    }

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private static string DuplicateKeys(JsonObject body)
    {
        var first = body.FirstOrDefault();
        return first.Key is null ? "{\"a\":1,\"a\":2}" : $"{{\"{first.Key}\":1,{body.ToJsonString()[1..]}";
    }

    private static string Nest(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append("{\"a\":");
        }
        text.Append('1').Append('}', depth);
        return text.ToString();
    }

    private static int CountArrays(JsonNode? node) => node switch
    {
        JsonArray array => 1 + array.Sum(CountArrays),
        JsonObject obj => obj.Sum(p => CountArrays(p.Value)),
        _ => 0,
    };

    /// <summary>Replaces the <paramref name="index"/>-th array (depth first) and returns its JSON path.</summary>
    private static string ReplaceArray(JsonObject root, int index, Func<JsonArray, JsonArray> replacement)
    {
        var seen = 0;
        string? found = null;
        Visit(root, "$");
        return found ?? "$";

        void Visit(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (found is not null)
                        {
                            return;
                        }
                        if (value is JsonArray array && seen++ == index)
                        {
                            obj[name] = replacement(array);
                            found = $"{path}.{name}";
                            return;
                        }
                        Visit(value, $"{path}.{name}");
                    }
                    break;
                case JsonArray items:
                    for (var i = 0; i < items.Count && found is null; i++)
                    {
                        if (items[i] is JsonArray inner && seen++ == index)
                        {
                            items[i] = replacement(inner);
                            found = $"{path}[{i}]";
                            return;
                        }
                        Visit(items[i], $"{path}[{i}]");
                    }
                    break;
            }
        }
    }

    private static string? Singular(string? name) => name is not null && name.EndsWith('s') ? name[..^1] : name;

    private static string Short(string value) => value.Length > 24 ? value[..12] + $"…({value.Length.ToString(CultureInfo.InvariantCulture)})" : value;
}
