using IopPlatform.BuildingBlocks.Data;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace IopPlatform.Testing;

/// <summary>
/// Which engines this test run can reach. SQLite always; PostgreSQL when IOP_TEST_POSTGRES holds a connection string;
/// SQL Server when IOP_TEST_SQLSERVER does or Docker answers. An engine named in IOP_REQUIRE_ENGINES must be there.
/// </summary>
public static class TestEngines
{
    public static string? PostgresAdminConnection => Environment.GetEnvironmentVariable("IOP_TEST_POSTGRES");

    public static string? SqlServerAdminConnection => Environment.GetEnvironmentVariable("IOP_TEST_SQLSERVER");

    public static bool IsRequired(DatabaseEngine engine) =>
        (Environment.GetEnvironmentVariable("IOP_REQUIRE_ENGINES") ?? string.Empty)
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Any(e => string.Equals(e, engine.ToString(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Creates an empty database and returns its connection string, or the reason it cannot.</summary>
    public static async Task<(string? ConnectionString, string? Unavailable)> CreateDatabaseAsync(DatabaseEngine engine, string name)
    {
        switch (engine)
        {
            case DatabaseEngine.Sqlite:
                var folder = Path.Combine(Path.GetTempPath(), "iop-tests");
                Directory.CreateDirectory(folder);
                return ($"Data Source={Path.Combine(folder, name + ".db")};Pooling=False", null);
            case DatabaseEngine.Postgres:
                if (string.IsNullOrWhiteSpace(PostgresAdminConnection))
                {
                    return (null, "PostgreSQL tests need IOP_TEST_POSTGRES (build/test.sh starts a throwaway server and sets it).");
                }
                await using (var admin = new NpgsqlConnection(PostgresAdminConnection))
                {
                    await admin.OpenAsync();
                    await using var create = admin.CreateCommand();
                    create.CommandText = $"CREATE DATABASE \"{name}\"";
                    await create.ExecuteNonQueryAsync();
                }
                return (new NpgsqlConnectionStringBuilder(PostgresAdminConnection) { Database = name, Pooling = true }.ConnectionString, null);
            case DatabaseEngine.SqlServer:
                var server = SqlServerAdminConnection ?? await SqlServerContainer.TryStartAsync();
                if (server is null)
                {
                    return (null, "SQL Server tests need IOP_TEST_SQLSERVER or a Docker engine for Testcontainers; neither is here.");
                }
                await using (var admin = new SqlConnection(server))
                {
                    await admin.OpenAsync();
                    await using var create = admin.CreateCommand();
                    create.CommandText = $"CREATE DATABASE [{name}]";
                    await create.ExecuteNonQueryAsync();
                }
                return (new SqlConnectionStringBuilder(server) { InitialCatalog = name, TrustServerCertificate = true }.ConnectionString, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(engine));
        }
    }

    public static async Task DropDatabaseAsync(DatabaseEngine engine, string name, string connectionString)
    {
        switch (engine)
        {
            case DatabaseEngine.Sqlite:
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
                foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                {
                    try
                    {
                        File.Delete(f);
                    }
                    catch (IOException)
                    {
                        // a leftover temp file is harmless
                    }
                }
                break;
            case DatabaseEngine.Postgres:
                NpgsqlConnection.ClearAllPools();
                await using (var admin = new NpgsqlConnection(PostgresAdminConnection))
                {
                    await admin.OpenAsync();
                    await using var drop = admin.CreateCommand();
                    drop.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                    await drop.ExecuteNonQueryAsync();
                }
                break;
            case DatabaseEngine.SqlServer:
                SqlConnection.ClearAllPools();
                break;
        }
    }
}
