using System.Net;
using System.Text.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Contracts;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>The bootstrap as the host runs it at start, and the database's count of active admin API clients.</summary>
internal static class BootstrapProbe
{
    public static IHostedService Bootstrap(ApiFactory api) =>
        api.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "BootstrapAdminApiClient");

    public static async Task<int> ActiveAdminClients(ApiFactory api) => (await AdminClientIds(api)).Count;

    public static async Task<List<Guid>> AdminClientIds(ApiFactory api)
    {
        await using var connection = await api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<ClientRoles>("SELECT id, roles FROM integration_api_client WHERE revoked_at IS NULL");
        return rows.Where(r => r.Roles.Split(',').Contains(Roles.Admin)).Select(r => r.Id).ToList();
    }

    private sealed class ClientRoles
    {
        public required Guid Id { get; init; }

        public required string Roles { get; init; }
    }
}

/// <summary>Without a configured key the host generates one admin API client, once.</summary>
public abstract class GeneratedBootstrapKeyTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Host_start_creates_exactly_one_admin_client_and_repeated_starts_add_none()
    {
        Assert.Equal(1, await BootstrapProbe.ActiveAdminClients(Api));

        var bootstrap = BootstrapProbe.Bootstrap(Api);
        await bootstrap.StartAsync(Ct);
        await bootstrap.StartAsync(Ct);

        Assert.Equal(1, await BootstrapProbe.ActiveAdminClients(Api));
        var clients = await (await Api.Admin().GetAsync("/api/v1/api-clients", Ct)).Read<JsonElement>();
        var bootstrapped = clients.GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("createdBy").GetString() == "system" && c.GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
        Assert.Equal("Bootstrap admin", bootstrapped.GetProperty("name").GetString());
        Assert.Equal([Roles.Admin], bootstrapped.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_new_admin_client_is_bootstrapped_only_when_no_active_admin_client_is_left()
    {
        var partner = await Api.PartnerClientAsync();
        var bootstrap = BootstrapProbe.Bootstrap(Api);
        foreach (var id in await BootstrapProbe.AdminClientIds(Api))
        {
            await (await Api.Admin().PostAsync($"/api/v1/api-clients/{id}/revoke", null, Ct)).Read<ApiClientDto>();
        }
        Assert.Equal(0, await BootstrapProbe.ActiveAdminClients(Api));

        await bootstrap.StartAsync(Ct);
        await bootstrap.StartAsync(Ct);

        // An active partner client does not count as an administrator.
        Assert.Equal(1, await BootstrapProbe.ActiveAdminClients(Api));
        await (await partner.Http.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();
    }
}

public sealed class GeneratedBootstrapKeyTestsOnSqlite(SqliteApi api) : GeneratedBootstrapKeyTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class GeneratedBootstrapKeyTestsOnPostgres(PostgresApi api) : GeneratedBootstrapKeyTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class GeneratedBootstrapKeyTestsOnSqlServer(SqlServerApi api) : GeneratedBootstrapKeyTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;

/// <summary>A host configured with <c>Auth:BootstrapAdminKey</c>.</summary>
public abstract class ConfiguredBootstrapKeyApi : ApiFactory
{
    public const string Key = "iop_configured-bootstrap-key-0123456789-abcdefgh";

    protected ConfiguredBootstrapKeyApi(DatabaseEngine engine)
        : base(engine) => Set("Auth:BootstrapAdminKey", Key);
}

public sealed class SqliteConfiguredBootstrapKeyApi() : ConfiguredBootstrapKeyApi(DatabaseEngine.Sqlite);

public sealed class PostgresConfiguredBootstrapKeyApi() : ConfiguredBootstrapKeyApi(DatabaseEngine.Postgres);

public sealed class SqlServerConfiguredBootstrapKeyApi() : ConfiguredBootstrapKeyApi(DatabaseEngine.SqlServer);

/// <summary>A host whose configured bootstrap key is too short to be a secret.</summary>
internal sealed class ShortBootstrapKeyApi : ApiFactory
{
    public ShortBootstrapKeyApi(DatabaseEngine engine)
        : base(engine) => Set("Auth:BootstrapAdminKey", "iop_too-short");
}

public abstract class ConfiguredBootstrapKeyTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ConfiguredBootstrapKeyApi
{
    [Fact]
    public async Task Configured_key_is_the_admin_key_created_once_and_never_revived_after_revocation()
    {
        var admin = Api.ClientWithApiKey(ConfiguredBootstrapKeyApi.Key);

        var created = await (await admin.PostJson("/api/v1/api-clients", new { name = "Partner made by bootstrap key", roles = new[] { Roles.Partner } }))
            .Read<CreatedApiClientDto>(HttpStatusCode.Created);

        var bootstrapped = await (await admin.GetAsync($"/api/v1/api-clients/{Guid.Parse(created.Client.CreatedBy)}", Ct)).Read<ApiClientDto>();
        Assert.Equal("Bootstrap admin", bootstrapped.Name);
        Assert.Equal(ConfiguredBootstrapKeyApi.Key[..8], bootstrapped.KeyPrefix);
        Assert.Equal("system", bootstrapped.CreatedBy);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/hangfire", Ct)).StatusCode);

        // Restarts neither duplicate the configured key's client nor bring it back once revoked.
        var bootstrap = BootstrapProbe.Bootstrap(Api);
        await bootstrap.StartAsync(Ct);
        Assert.Equal(1, await BootstrapProbe.ActiveAdminClients(Api));

        await (await Api.Admin().PostAsync($"/api/v1/api-clients/{bootstrapped.Id}/revoke", null, Ct)).Read<ApiClientDto>();

        await bootstrap.StartAsync(Ct);

        Assert.Equal(0, await BootstrapProbe.ActiveAdminClients(Api));
        await (await admin.GetAsync("/api/v1/api-clients", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Too_short_configured_key_stops_the_host()
    {
        var factory = new ShortBootstrapKeyApi(Api.Engine);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(async () => await factory.InitializeAsync());
            Assert.Contains("Auth:BootstrapAdminKey", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }
}

public sealed class ConfiguredBootstrapKeyTestsOnSqlite(SqliteConfiguredBootstrapKeyApi api)
    : ConfiguredBootstrapKeyTests<SqliteConfiguredBootstrapKeyApi>(api), IClassFixture<SqliteConfiguredBootstrapKeyApi>;

public sealed class ConfiguredBootstrapKeyTestsOnPostgres(PostgresConfiguredBootstrapKeyApi api)
    : ConfiguredBootstrapKeyTests<PostgresConfiguredBootstrapKeyApi>(api), IClassFixture<PostgresConfiguredBootstrapKeyApi>;

public sealed class ConfiguredBootstrapKeyTestsOnSqlServer(SqlServerConfiguredBootstrapKeyApi api)
    : ConfiguredBootstrapKeyTests<SqlServerConfiguredBootstrapKeyApi>(api), IClassFixture<SqlServerConfiguredBootstrapKeyApi>;
