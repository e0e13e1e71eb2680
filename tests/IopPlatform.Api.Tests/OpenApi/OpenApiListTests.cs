using System.Net;
using System.Text.Json;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>
/// Lists, from the served document: every GET that answers a collection answers a page (<c>{items, nextCursor}</c> with
/// <c>limit</c> and <c>cursor</c>), never a bare array; the server refuses a page size out of range on each of them; and
/// every <c>sort</c> parameter states its orders as an enum that the server holds to (400 on <c>sort</c> otherwise).
/// </summary>
public abstract class OpenApiListTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Every_get_that_answers_a_collection_is_cursor_paged()
    {
        var document = await ServedDocument.Read(Api);
        var bare = new List<string>();
        var paged = new List<DocumentedOperation>();
        foreach (var operation in ServedDocument.Operations(document).Where(o => o.Method == "get"))
        {
            var schema = SuccessSchema(document, operation);
            if (schema is null)
            {
                continue;
            }
            if (schema.Value.TryGetProperty("type", out var type) && type.GetString() == "array")
            {
                bare.Add($"{operation}: a bare array");
            }
            else if (schema.Value.TryGetProperty("properties", out var properties) && properties.TryGetProperty("items", out _))
            {
                paged.Add(operation);
                var query = operation.Parameters("query").Select(p => p.GetProperty("name").GetString()).ToHashSet();
                if (!properties.TryGetProperty("nextCursor", out _) || !query.Contains("limit") || !query.Contains("cursor"))
                {
                    bare.Add($"{operation}: items without nextCursor, limit and cursor");
                }
            }
        }
        Assert.True(bare.Count == 0, string.Join(Environment.NewLine, bare));
        Assert.True(paged.Count >= 30, $"only {paged.Count} paged lists found: is the document complete?");

        // The server holds every one of them to the documented page size.
        var client = ServedDocument.AllStaffRoles(Api);
        var unchecked_ = new List<string>();
        foreach (var operation in paged)
        {
            using var request = operation.Request(_ => Guid.CreateVersion7().ToString());
            request.RequestUri = new Uri(request.RequestUri!.OriginalString + "?limit=0", UriKind.Relative);
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains("\"limit\"", StringComparison.OrdinalIgnoreCase))
            {
                unchecked_.Add($"{operation} ?limit=0 answered {(int)response.StatusCode}: {text}");
            }
        }
        Assert.True(unchecked_.Count == 0, string.Join(Environment.NewLine, unchecked_));
    }

    [Fact]
    public async Task Every_sort_parameter_is_an_allow_list_the_server_holds_to()
    {
        var document = await ServedDocument.Read(Api);
        var client = ServedDocument.AllStaffRoles(Api);
        var sorted = ServedDocument.Operations(document)
            .Select(o => (Operation: o, Sort: o.Parameters("query").FirstOrDefault(p => p.GetProperty("name").GetString() == "sort")))
            .Where(x => x.Sort.ValueKind == JsonValueKind.Object)
            .ToList();
        Assert.Equal(
            ["/api/v1/alerts", "/api/v1/enrollments/{enrollmentId}/notes", "/api/v1/groups/{groupId}/sessions", "/api/v1/patients"],
            sorted.Select(x => x.Operation.Path).Order(StringComparer.Ordinal));
        foreach (var (operation, sort) in sorted)
        {
            var allowed = sort.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();
            Assert.True(allowed.Count >= 2, $"{operation}: {allowed.Count} orders");
            using var request = operation.Request(_ => Guid.CreateVersion7().ToString());
            request.RequestUri = new Uri(request.RequestUri!.OriginalString + "?sort=by_mood", UriKind.Relative);
            var problem = await (await client.SendAsync(request, Ct)).Problem(HttpStatusCode.BadRequest);
            var message = Assert.Single(problem.FieldErrors("sort"));
            Assert.All(allowed, a => Assert.Contains(a, message, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Patients_page_by_family_name_either_way_without_repeating_or_skipping()
    {
        var admin = Api.Admin();
        var marker = "Sam" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26))));
        string[] families = ["Okafor", "Abbott", "Zhang", "Abbott", "Moreno"];
        foreach (var family in families)
        {
            await Api.CreatePatientAsync(marker, family);
        }

        foreach (var (sort, expected) in new[] { ("family_name", families.Order(StringComparer.Ordinal)), ("-family_name", families.OrderDescending(StringComparer.Ordinal)) })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var url = $"/api/v1/patients?name={marker}&sort={sort}&limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}");
                var page = await (await admin.GetAsync(url, Ct)).Read<JsonElement>();
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("familyName").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            Assert.Equal(expected, seen);
        }
    }

    private static JsonElement? SuccessSchema(JsonElement document, DocumentedOperation operation)
    {
        if (!operation.Operation.GetProperty("responses").TryGetProperty("200", out var ok)
            || !ok.TryGetProperty("content", out var content)
            || !content.TryGetProperty("application/json", out var json))
        {
            return null;
        }
        var schema = json.GetProperty("schema");
        return schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
    }
}

public sealed class OpenApiListTestsOnSqlite(SqliteApi api) : OpenApiListTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OpenApiListTestsOnPostgres(PostgresApi api) : OpenApiListTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OpenApiListTestsOnSqlServer(SqlServerApi api) : OpenApiListTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
