using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Contracts;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

public abstract class ApiKeyTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Created_key_is_shown_once_and_only_its_hash_is_stored()
    {
        var admin = Api.Admin();

        var response = await admin.PostJson("/api/v1/api-clients", new { name = "  Riverside EHR  ", roles = new[] { Roles.Partner, Roles.Partner } });

        var created = await response.Read<CreatedApiClientDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/api-clients/{created.Client.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.StartsWith("iop_", created.Key, StringComparison.Ordinal);
        Assert.True(created.Key.Length >= 40, created.Key);
        Assert.Equal("Riverside EHR", created.Client.Name);
        Assert.Equal([Roles.Partner], created.Client.Roles);
        Assert.Equal(created.Key[..8], created.Client.KeyPrefix);
        Assert.Equal("admin-tests", created.Client.CreatedBy);
        Assert.Equal(Api.Clock.GetUtcNow(), created.Client.CreatedAt);
        Assert.Null(created.Client.RevokedAt);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Key)));
        var get = await admin.GetAsync($"/api/v1/api-clients/{created.Client.Id}", Ct);
        var list = await admin.GetAsync("/api/v1/api-clients?limit=200", Ct);
        foreach (var text in new[] { await get.Content.ReadAsStringAsync(Ct), await list.Content.ReadAsStringAsync(Ct) })
        {
            Assert.Contains(created.Client.Id.ToString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(created.Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(hash, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"key\"", text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(created.Client, await get.Read<ApiClientDto>() with { Roles = created.Client.Roles });

        await using var connection = await Db.OpenAsync(Ct);
        var row = (IDictionary<string, object>)await connection.QuerySingleAsync(
            "SELECT * FROM integration_api_client WHERE id = @Id", new { Id = created.Client.Id });
        Assert.Equal(hash, row["key_hash"]?.ToString()?.Trim());
        Assert.DoesNotContain(row.Values, v => v?.ToString()?.Contains(created.Key, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Both_header_forms_authenticate_as_the_api_client()
    {
        var partner = await Api.PartnerClientAsync(Roles.Admin);
        var viaAuthorization = Api.Anonymous();
        viaAuthorization.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", partner.Key);

        await (await partner.Http.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();
        await (await viaAuthorization.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();

        // The key's client is the actor: it shows up as creator of what it creates.
        var created = await (await viaAuthorization.PostJson("/api/v1/api-clients", new { name = "Made by a key", roles = new[] { Roles.Partner } }))
            .Read<CreatedApiClientDto>(HttpStatusCode.Created);
        Assert.Equal(partner.ClientId.ToString(), created.Client.CreatedBy);

        var used = await (await Api.Admin().GetAsync($"/api/v1/api-clients/{partner.ClientId}", Ct)).Read<ApiClientDto>();
        Assert.Equal(Api.Clock.GetUtcNow(), used.LastUsedAt);
        Assert.Equal(1, used.Version);
    }

    [Fact]
    public async Task Garbage_keys_are_401_problems_with_an_api_key_challenge()
    {
        var keys = new[] { "garbage", "iop_" + new string('x', 43), new string('k', 300), " " };
        foreach (var key in keys)
        {
            var response = await Api.ClientWithApiKey(key).GetAsync("/api/v1/sites", Ct);
            var problem = await response.Problem(HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
            Assert.Contains("API key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var viaAuthorization = Api.Anonymous();
        viaAuthorization.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", "iop_not-a-key-of-ours-at-all-not-at-all");
        await (await viaAuthorization.GetAsync("/api/v1/programs", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoked_key_is_refused_on_its_next_request()
    {
        var partner = await Api.PartnerClientAsync();
        await (await partner.Http.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();

        var revoked = await (await Api.Admin().PostAsync($"/api/v1/api-clients/{partner.ClientId}/revoke", null, Ct)).Read<ApiClientDto>();

        Assert.Equal(Api.Clock.GetUtcNow(), revoked.RevokedAt);
        Assert.Equal("admin-tests", revoked.RevokedBy);
        Assert.Equal(2, revoked.Version);
        var refused = await partner.Http.GetAsync("/api/v1/sites", Ct);
        var problem = await refused.Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var viaAuthorization = Api.Anonymous();
        viaAuthorization.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", partner.Key);
        await (await viaAuthorization.GetAsync("/api/v1/sites", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoke_is_idempotent_and_unknown_client_is_404()
    {
        var admin = Api.Admin();
        var partner = await Api.PartnerClientAsync();
        var first = await (await admin.PostAsync($"/api/v1/api-clients/{partner.ClientId}/revoke", null, Ct)).Read<ApiClientDto>();
        Api.Clock.Advance(TimeSpan.FromMinutes(3));

        var again = await admin.PostAsync($"/api/v1/api-clients/{partner.ClientId}/revoke", null, Ct);

        Assert.Equal(first, await again.Read<ApiClientDto>() with { Roles = first.Roles });
        Assert.Equal("\"2\"", again.Headers.ETag?.Tag);
        await (await admin.PostAsync($"/api/v1/api-clients/{Guid.CreateVersion7()}/revoke", null, Ct)).Problem(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/v1/api-clients/{Guid.CreateVersion7()}", Ct)).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_client_gets_per_field_errors_and_writes_nothing()
    {
        var admin = Api.Admin();
        var before = await CountClients();

        var unknownRole = await (await admin.PostJson("/api/v1/api-clients", new { name = new string('n', 201), roles = new[] { "root", Roles.Partner } }))
            .Problem(HttpStatusCode.BadRequest);
        var noRoles = await (await admin.PostJson("/api/v1/api-clients", new { name = "", roles = Array.Empty<string>() })).Problem(HttpStatusCode.BadRequest);
        var missing = await (await admin.PostJson("/api/v1/api-clients", new { })).Problem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(unknownRole.FieldErrors("name"));
        Assert.Contains("'root' is not a role", unknownRole.FieldErrors("roles[0]").Single(), StringComparison.Ordinal);
        Assert.Empty(unknownRole.FieldErrors("roles[1]"));
        Assert.NotEmpty(noRoles.FieldErrors("name"));
        Assert.NotEmpty(noRoles.FieldErrors("roles"));
        Assert.NotEmpty(missing.FieldErrors("name"));
        Assert.NotEmpty(missing.FieldErrors("roles"));
        Assert.Equal(before, await CountClients());
    }

    [Fact]
    public async Task Clients_page_with_cursor_without_gaps_or_repeats()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await Api.PartnerClientAsync()).ClientId);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await Api.Admin().GetAsync("/api/v1/api-clients?limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}"), Ct)).Read<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), created.ToHashSet());
        Assert.Equal(await CountClients(), seen.Count);
        await (await Api.Admin().GetAsync("/api/v1/api-clients?limit=0", Ct)).Problem(HttpStatusCode.BadRequest);
    }

    private IDbConnectionFactory Db => Api.Services.GetRequiredService<IDbConnectionFactory>();

    private async Task<long> CountClients()
    {
        await using var connection = await Db.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM integration_api_client");
    }
}

public sealed class ApiKeyTestsOnSqlite(SqliteApi api) : ApiKeyTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class ApiKeyTestsOnPostgres(PostgresApi api) : ApiKeyTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class ApiKeyTestsOnSqlServer(SqlServerApi api) : ApiKeyTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
