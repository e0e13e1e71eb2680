using System.Net;
using System.Text.Json;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>
/// The headers of the concurrency protocol are declared where the server applies them: every operation is sent without
/// If-Match, and the ones that answer 428 must declare the header (and only those may declare it required; a
/// create-or-replace declares it optional).
/// </summary>
public abstract class OpenApiHeaderTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Every_operation_that_answers_428_without_if_match_declares_the_header_and_no_other_does()
    {
        var document = await ServedDocument.Read(Api);
        var client = ServedDocument.AllStaffRoles(Api);

        var undeclared = new List<string>();
        var declaredButNotRequired = new List<string>();
        var answered428 = 0;
        foreach (var operation in ServedDocument.Operations(document).Where(o => o.Method != "get"))
        {
            using var request = operation.Request(_ => Guid.CreateVersion7().ToString());
            using var response = await client.SendAsync(request, Ct);
            var declared = operation.DeclaresHeader("If-Match", required: true);
            if (response.StatusCode == HttpStatusCode.PreconditionRequired)
            {
                answered428++;
                if (!operation.DeclaresHeader("If-Match", required: false))
                {
                    undeclared.Add(operation.ToString());
                }
            }
            else if (declared)
            {
                declaredButNotRequired.Add($"{operation} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        Assert.True(undeclared.Count == 0, "428 without a declared If-Match: " + string.Join(", ", undeclared));
        Assert.True(declaredButNotRequired.Count == 0, "If-Match declared but not required: " + string.Join(Environment.NewLine, declaredButNotRequired));
        Assert.True(answered428 >= 20, $"only {answered428} operations answered 428: the probe did not reach the handlers");
    }

    [Fact]
    public async Task Created_responses_declare_location_and_versioned_ones_etag()
    {
        var document = await ServedDocument.Read(Api);
        var operations = ServedDocument.Operations(document).ToList();

        var created = operations.SelectMany(o => o.Responses().Where(r => r.Status == "201").Select(r => (o, r.Response))).ToList();
        Assert.NotEmpty(created);
        Assert.All(created, c => Assert.True(Headers(c.Response).ContainsKey("Location"), c.o.ToString()));

        var getProgram = operations.Single(o => o.Method == "get" && o.Path == "/api/v1/programs/{programId}");
        Assert.True(Headers(getProgram.Responses().Single(r => r.Status == "200").Response).ContainsKey("ETag"));
        var idempotent = operations.Where(o => o.Parameters("header").Any(p => p.GetProperty("name").GetString() == "Idempotency-Key")).ToList();
        Assert.NotEmpty(idempotent);
        Assert.All(idempotent, o => Assert.All(o.Responses().Where(r => r.Status.StartsWith('2')), r => Assert.True(Headers(r.Response).ContainsKey("Idempotency-Replayed"), o.ToString())));
    }

    [Fact]
    public async Task Error_responses_are_explicit_codes_with_a_problem_schema_and_every_status_the_server_answers_is_declared()
    {
        var document = await ServedDocument.Read(Api);
        var operations = ServedDocument.Operations(document).ToList();

        var wrong = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var (status, response) in operation.Responses())
            {
                if (!int.TryParse(status, out var code))
                {
                    wrong.Add($"{operation} {status}: not an explicit status");
                }
                else if (code >= 400 && !(response.TryGetProperty("content", out var content)
                                          && content.TryGetProperty("application/problem+json", out var media)
                                          && media.GetProperty("schema").GetProperty("$ref").GetString() is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails"))
                {
                    wrong.Add($"{operation} {status}: no ProblemDetails schema");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));

        // Unknown ids, with and without the example body, anonymous and with every staff role: whatever the server
        // answers must be a status the document lists for that operation.
        var undeclared = new List<string>();
        var staff = ServedDocument.AllStaffRoles(Api);
        foreach (var operation in operations)
        {
            var declared = operation.Responses().Select(r => r.Status).ToHashSet();
            var variants = new List<(HttpClient Client, JsonElement? Body)> { (staff, null), (Api.Anonymous(), null) };
            if (operation.RequestExample is not null)
            {
                variants.Add((staff, JsonDocument.Parse("[]").RootElement));
            }
            foreach (var (client, body) in variants)
            {
                using var request = operation.Request(_ => Guid.CreateVersion7().ToString(), body);
                using var response = await client.SendAsync(request, Ct);
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var text = await response.Content.ReadAsStringAsync(Ct);
                if (!declared.Contains(status))
                {
                    undeclared.Add($"{operation} answered {status}: {text}");
                }
                else if (text.Contains("IopPlatform.", StringComparison.Ordinal))
                {
                    undeclared.Add($"{operation} {status}: names an internal type: {text}");
                }
                else if ((int)response.StatusCode >= 400 && !MatchesExample(operation, status, text))
                {
                    undeclared.Add($"{operation} {status}: type or traceId unlike the documented example: {text}");
                }
            }
        }
        Assert.True(undeclared.Count == 0, string.Join(Environment.NewLine, undeclared));
    }

    private static bool MatchesExample(DocumentedOperation operation, string status, string answered)
    {
        var example = operation.Responses().Single(r => r.Status == status).Response
            .GetProperty("content").GetProperty("application/problem+json").GetProperty("example");
        var sent = JsonDocument.Parse(answered).RootElement;
        return example.GetProperty("type").GetString() == sent.GetProperty("type").GetString()
               && System.Text.RegularExpressions.Regex.IsMatch(sent.GetProperty("traceId").GetString()!, "^[0-9a-f]{32}$")
               && System.Text.RegularExpressions.Regex.IsMatch(example.GetProperty("traceId").GetString()!, "^[0-9a-f]{32}$");
    }

    private static Dictionary<string, JsonElement> Headers(JsonElement response) =>
        response.TryGetProperty("headers", out var headers) ? headers.EnumerateObject().ToDictionary(h => h.Name, h => h.Value) : [];
}

public sealed class OpenApiHeaderTestsOnSqlite(SqliteApi api) : OpenApiHeaderTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OpenApiHeaderTestsOnPostgres(PostgresApi api) : OpenApiHeaderTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OpenApiHeaderTestsOnSqlServer(SqlServerApi api) : OpenApiHeaderTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
