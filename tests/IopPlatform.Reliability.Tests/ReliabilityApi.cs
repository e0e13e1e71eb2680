using System.Data.Common;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Reliability.Tests;

/// <summary>
/// The API without the per-client rate limit: these tests send thousands of requests as one caller on purpose, and a
/// 429 would hide what the endpoint itself answers.
/// </summary>
public abstract class ReliabilityApi : ApiFactory
{
    protected ReliabilityApi(DatabaseEngine engine)
        : base(engine) => Set("RateLimiting:Enabled", "false");

    public async Task<DbConnection> OpenDatabase() => await Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
}

public sealed class ReliabilitySqliteApi() : ReliabilityApi(DatabaseEngine.Sqlite);

public sealed class ReliabilityPostgresApi() : ReliabilityApi(DatabaseEngine.Postgres);

public sealed class ReliabilitySqlServerApi() : ReliabilityApi(DatabaseEngine.SqlServer);
