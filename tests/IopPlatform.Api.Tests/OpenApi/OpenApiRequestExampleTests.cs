using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>
/// The request examples of the create operations work as they are: sent to an API seeded with one site, program,
/// patient and API client (their ids put in place of the example id by member name), each gets a 2xx.
/// </summary>
public abstract class OpenApiRequestExampleTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    private const string ExampleId = Hosting.OpenApiExamples.Uuid;

    [Fact]
    public async Task Every_create_example_is_accepted_by_a_seeded_api()
    {
        var document = await ServedDocument.Read(Api);
        var admin = Api.Admin();
        var ids = await Seed(admin);

        var refused = new List<string>();
        var sent = 0;
        foreach (var operation in ServedDocument.Operations(document).Where(o => o.Method == "post" && !o.Path.Contains('{', StringComparison.Ordinal)))
        {
            if (operation.RequestExample is not { } example || JsonNode.Parse(example.GetRawText()) is not JsonObject body)
            {
                continue;
            }
            // An example naming a resource this seed has no id for (a session, a goal) is left to a later, fuller seed.
            if (!Substitute(body, ids))
            {
                continue;
            }
            sent++;
            using var request = operation.Request(_ => throw new InvalidOperationException(), JsonDocument.Parse(body.ToJsonString()).RootElement);
            using var response = await admin.SendAsync(request, Ct);
            if (!response.IsSuccessStatusCode)
            {
                refused.Add($"{operation}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        Assert.True(refused.Count == 0, string.Join(Environment.NewLine, refused));
        Assert.True(sent >= 7, $"only {sent} create examples could be sent");
    }

    private static bool Substitute(JsonObject body, Dictionary<string, string> ids)
    {
        foreach (var (name, value) in body.ToList())
        {
            if (name == "url")
            {
                // The example's partner host does not resolve here; the target policy allows the loopback in tests.
                body[name] = "http://127.0.0.1:9/hooks/iop";
            }
            else if (value is JsonValue v && v.ToString() == ExampleId)
            {
                if (!ids.TryGetValue(name, out var id))
                {
                    return false;
                }
                body[name] = id;
            }
            else if (value is JsonArray array && array.Any(i => i?.ToString() == ExampleId))
            {
                return false;
            }
            else if (value is JsonObject nested && !Substitute(nested, ids))
            {
                return false;
            }
        }
        return true;
    }

    private static async Task<Dictionary<string, string>> Seed(HttpClient admin)
    {
        var site = await Id(admin, "/api/v1/sites", new { name = "Seed site", timeZone = "America/Chicago" });
        var program = await Id(admin, "/api/v1/programs", new { siteId = site, name = "Seed IOP", levelOfCare = "asam-3:2.1" });
        var patient = await Id(admin, "/api/v1/patients", new { mrn = "SEED-1", givenName = "Sam", familyName = "Seed", dateOfBirth = "1990-01-01", sexAtBirth = "male" });
        // A referral only: examples that need an admitted enrollment (appointments) are left to a fuller seed.
        await Id(admin, "/api/v1/enrollments", new { patientId = patient, programId = program });
        var client = await (await admin.PostJson("/api/v1/api-clients", new { name = "Seed partner", roles = new[] { "partner" } })).Read<JsonElement>(HttpStatusCode.Created);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["siteId"] = site,
            ["programId"] = program,
            ["patientId"] = patient,
            ["apiClientId"] = client.GetProperty("client").GetProperty("id").GetString()!,
        };
    }

    private static async Task<string> Id(HttpClient admin, string url, object body) =>
        (await (await admin.PostJson(url, body)).Read<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetString()!;
}

public sealed class OpenApiRequestExampleTestsOnSqlite(SqliteApi api) : OpenApiRequestExampleTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OpenApiRequestExampleTestsOnPostgres(PostgresApi api) : OpenApiRequestExampleTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OpenApiRequestExampleTestsOnSqlServer(SqlServerApi api) : OpenApiRequestExampleTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
