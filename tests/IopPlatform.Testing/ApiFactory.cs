using System.Net.Http.Headers;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IopPlatform.Testing;

/// <summary>
/// The real API host in process, on a fresh database of one engine (one per test class). An engine that is not
/// reachable makes every test of the class a visible skip, or a failure when IOP_REQUIRE_ENGINES names it.
/// </summary>
public abstract class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Tests start at a fixed instant so dates in assertions are stable: Monday 2 March 2026, 09:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string _databaseName = $"iop_t_{Guid.NewGuid():N}";
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private string? _existingConnectionString;
    private bool _dropExisting;

    protected ApiFactory(DatabaseEngine engine)
    {
        Engine = engine;
        // A suite reuses one admin client for hundreds of requests a minute; the budget is tested by its own fixture
        // (HttpFixtures), which sets a small one.
        Set("RateLimiting:PermitsPerMinute", "100000");
    }

    public DatabaseEngine Engine { get; }

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Set by a fixture's constructor: migrate as a separate owner role, run as an app role that owns nothing.</summary>
    protected bool SeparateOwner { get; set; }

    /// <summary>The owner's connection when <see cref="SeparateOwner"/> is set.</summary>
    public string? OwnerConnectionString { get; private set; }

    public string? Unavailable { get; private set; }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Settings a fixture adds before the host starts (e.g. turning the Hangfire server on).</summary>
    protected void Set(string key, string? value) => _settings[key] = value;

    /// <summary>
    /// Runs this host on another host's database (a second instance, or a restart after the first is disposed): no
    /// database is created, and it is dropped on dispose only when <paramref name="dropOnDispose"/> says this host is now
    /// its last user. Call before <see cref="InitializeAsync"/>.
    /// </summary>
    public void UseExistingDatabase(string connectionString, bool dropOnDispose = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _existingConnectionString = connectionString;
        _dropExisting = dropOnDispose;
    }

    /// <summary>Keeps the database after this host is disposed, so another host can start on it.</summary>
    public bool KeepDatabase { get; set; }

    public virtual async ValueTask InitializeAsync()
    {
        if (_existingConnectionString is not null)
        {
            ConnectionString = _existingConnectionString;
            _ = Server;
            WebhookPayloadSchemas.Learn(Services);
            return;
        }
        var (connectionString, unavailable) = SeparateOwner
            ? await CreateOwnedDatabaseAsync()
            : await TestEngines.CreateDatabaseAsync(Engine, _databaseName);
        if (connectionString is null)
        {
            Unavailable = unavailable;
            return;
        }
        ConnectionString = connectionString;
        // Start the host now so migrations run once per class, not inside the first test.
        _ = Server;
        WebhookPayloadSchemas.Learn(Services);
    }

    private async Task<(string?, string?)> CreateOwnedDatabaseAsync()
    {
        var (app, owner, unavailable) = await TestEngines.CreateOwnedDatabaseAsync(Engine, _databaseName);
        OwnerConnectionString = owner;
        Set("Database:OwnerConnectionString", owner);
        return (app, unavailable);
    }

    /// <summary>Called by every engine test's constructor.</summary>
    public void SkipIfUnavailable()
    {
        if (Unavailable is null)
        {
            return;
        }
        if (TestEngines.IsRequired(Engine))
        {
            Assert.Fail($"{Engine} is required by IOP_REQUIRE_ENGINES but unavailable: {Unavailable}");
        }
        Assert.Skip($"{Engine} not available: {Unavailable}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Engine", Engine.ToString());
        builder.UseSetting("ConnectionStrings:Iop", ConnectionString);
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("Hangfire:ServerEnabled", "false");
        builder.UseSetting("Hangfire:Storage", "InMemory");
        builder.UseSetting("Auth:Jwt:SigningKey", TestTokens.SigningKey);
        builder.UseSetting("Auth:Jwt:Issuer", TestTokens.Issuer);
        builder.UseSetting("Auth:Jwt:Audience", TestTokens.Audience);
        // Tests' webhook receivers listen on plain http on the loopback, which production refuses as a target.
        builder.UseSetting("Integration:Webhooks:AllowHttp", "true");
        builder.UseSetting("Integration:Webhooks:AllowedPrivateTargets:0", "127.0.0.1");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            ConfigureServices(services);
        });
    }

    /// <summary>Extra test services (e.g. an in-memory trace exporter).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A client signed in as a staff member with these roles.</summary>
    public HttpClient ClientAs(string role, string? subject = null)
    {
        var client = CreateClient();
        var sub = subject ?? $"{role}-{Guid.NewGuid():N}"[..20];
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(sub, $"Test {role}", role));
        return client;
    }

    public HttpClient Admin() => ClientAs(Roles.Admin, "admin-tests");

    public HttpClient Anonymous() => CreateClient();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (string.IsNullOrEmpty(ConnectionString) || KeepDatabase)
        {
            // nothing created, or another host carries on with it
        }
        else if (SeparateOwner)
        {
            await TestEngines.DropOwnedDatabaseAsync(Engine, _databaseName, ConnectionString);
        }
        else if (_existingConnectionString is null)
        {
            await TestEngines.DropDatabaseAsync(Engine, _databaseName, ConnectionString);
        }
        else if (_dropExisting)
        {
            var name = Engine == DatabaseEngine.Postgres ? new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database! : string.Empty;
            await TestEngines.DropDatabaseAsync(Engine, name, ConnectionString);
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApi() : ApiFactory(DatabaseEngine.Sqlite);

public sealed class PostgresApi() : ApiFactory(DatabaseEngine.Postgres);

public sealed class SqlServerApi() : ApiFactory(DatabaseEngine.SqlServer);
