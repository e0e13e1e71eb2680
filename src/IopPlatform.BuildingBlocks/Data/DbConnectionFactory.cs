using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>Opens connections to the configured engine, ready for use.</summary>
public interface IDbConnectionFactory
{
    DatabaseEngine Engine { get; }

    Task<DbConnection> OpenAsync(CancellationToken ct = default);
}

public sealed class DbConnectionFactory : IDbConnectionFactory
{
    private readonly DatabaseOptions _options;

    public DbConnectionFactory(DatabaseOptions options)
    {
        _options = options;
        DapperTypeHandlers.Register();
    }

    public DatabaseEngine Engine => _options.Engine;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = _options.Engine switch
        {
            DatabaseEngine.Sqlite => new SqliteConnection(_options.ConnectionString),
            DatabaseEngine.Postgres => new NpgsqlConnection(_options.ConnectionString),
            DatabaseEngine.SqlServer => new SqlConnection(_options.ConnectionString),
            _ => throw new InvalidOperationException($"Unknown engine {_options.Engine}"),
        };
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            if (_options.Engine == DatabaseEngine.Sqlite)
            {
                // Per-connection settings: SQLite forgets them when a connection closes.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;";
                await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
