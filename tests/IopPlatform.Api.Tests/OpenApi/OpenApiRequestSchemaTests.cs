using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>
/// What request schemas say is what the validators enforce: every member listed as required is refused (400) when
/// left out of the operation's example, and every enum member is refused with a value outside its list (unless the
/// operation answers 404 for the unknown id in its path first).
/// </summary>
public abstract class OpenApiRequestSchemaTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Required_members_and_enums_of_request_bodies_are_enforced_by_the_server()
    {
        var document = await ServedDocument.Read(Api);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var client = ServedDocument.AllStaffRoles(Api);

        var wrong = new List<string>();
        var (requiredChecked, enumsChecked) = (0, 0);
        foreach (var operation in ServedDocument.Operations(document))
        {
            if (operation.RequestExample is not { ValueKind: JsonValueKind.Object } example
                || Resolve(schemas, operation.Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")) is not { } schema)
            {
                continue;
            }
            var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()!).ToList() : [];
            foreach (var member in required)
            {
                requiredChecked++;
                var body = JsonNode.Parse(example.GetRawText())!.AsObject();
                body.Remove(member);
                await Expect400(client, operation, body, $"without required '{member}'", wrong);
            }
            foreach (var property in schema.GetProperty("properties").EnumerateObject().Where(p => Resolve(schemas, p.Value) is { } s && s.TryGetProperty("enum", out _)))
            {
                enumsChecked++;
                var body = JsonNode.Parse(example.GetRawText())!.AsObject();
                body[property.Name] = "no_such_value";
                await Expect400(client, operation, body, $"with '{property.Name}' outside its enum", wrong);
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.True(requiredChecked > 30, $"only {requiredChecked} required members");
        Assert.True(enumsChecked > 5, $"only {enumsChecked} enum members");
        var roles = schemas.GetProperty("CreateApiClientRequest").GetProperty("properties").GetProperty("roles").GetProperty("items").GetProperty("enum");
        Assert.Equal(Roles.All, roles.EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task Query_parameters_are_described_and_the_outcome_report_documents_json_and_csv()
    {
        var document = await ServedDocument.Read(Api);

        var undescribed = ServedDocument.Operations(document)
            .SelectMany(o => o.Parameters("query").Where(p => !p.TryGetProperty("description", out var d) || string.IsNullOrWhiteSpace(d.GetString()))
                .Select(p => $"{o} {p.GetProperty("name").GetString()}"))
            .ToList();
        Assert.True(undescribed.Count == 0, string.Join(Environment.NewLine, undescribed));

        var report = ServedDocument.Operations(document).Single(o => o.Method == "get" && o.Path.EndsWith("/outcome-report", StringComparison.Ordinal));
        var content = report.Responses().Single(r => r.Status == "200").Response.GetProperty("content");
        Assert.Equal("#/components/schemas/ProgramOutcomeReportDto", content.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("string", content.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("application/json", content.EnumerateObject().First().Name);
        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    private static async Task Expect400(HttpClient client, DocumentedOperation operation, JsonObject body, string what, List<string> wrong)
    {
        using var request = operation.Request(_ => Guid.CreateVersion7().ToString(), JsonDocument.Parse(body.ToJsonString()).RootElement);
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        // A resource named in the path is looked up before the body is validated by some operations (random ids here).
        var notReached = response.StatusCode == HttpStatusCode.NotFound && operation.Parameters("path").Any();
        if (response.StatusCode != HttpStatusCode.BadRequest && !notReached)
        {
            wrong.Add($"{operation} {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    private static JsonElement? Resolve(JsonElement schemas, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return schemas.GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        }
        if (schema.TryGetProperty("allOf", out var allOf) && allOf.GetArrayLength() == 1)
        {
            return Resolve(schemas, allOf[0]);
        }
        return schema;
    }
}

public sealed class OpenApiRequestSchemaTestsOnSqlite(SqliteApi api) : OpenApiRequestSchemaTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OpenApiRequestSchemaTestsOnPostgres(PostgresApi api) : OpenApiRequestSchemaTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OpenApiRequestSchemaTestsOnSqlServer(SqlServerApi api) : OpenApiRequestSchemaTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
