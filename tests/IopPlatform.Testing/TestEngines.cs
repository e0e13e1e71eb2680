using IopPlatform.BuildingBlocks.Data;
using System.Data.Common;
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

    /// <summary>
    /// Least privilege as deployed: a database owned by a role of its own (<c>{name}_owner</c>, no superuser, no
    /// db_owner beyond this database) and an app role (<c>{name}_app</c>) that owns nothing. Returns the app's and the
    /// owner's connection strings, or the reason the engine is unavailable. SQLite has no roles.
    /// </summary>
    public static async Task<(string? App, string? Owner, string? Unavailable)> CreateOwnedDatabaseAsync(DatabaseEngine engine, string name)
    {
        var ownerPassword = $"Ow1!{Guid.NewGuid():N}";
        var appPassword = $"Ap1!{Guid.NewGuid():N}";
        switch (engine)
        {
            case DatabaseEngine.Postgres:
                if (string.IsNullOrWhiteSpace(PostgresAdminConnection))
                {
                    return (null, null, "PostgreSQL tests need IOP_TEST_POSTGRES (build/test.sh starts a throwaway server and sets it).");
                }
                await ExecuteAsync(new NpgsqlConnection(PostgresAdminConnection),
                    $"CREATE ROLE \"{name}_owner\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{ownerPassword}'",
                    $"CREATE ROLE \"{name}_app\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{appPassword}'",
                    $"CREATE DATABASE \"{name}\" OWNER \"{name}_owner\"");
                NpgsqlConnectionStringBuilder Pg(string role, string password) =>
                    new(PostgresAdminConnection) { Database = name, Username = role, Password = password, Pooling = true };
                return (Pg($"{name}_app", appPassword).ConnectionString, Pg($"{name}_owner", ownerPassword).ConnectionString, null);
            case DatabaseEngine.SqlServer:
                var server = SqlServerAdminConnection ?? await SqlServerContainer.TryStartAsync();
                if (server is null)
                {
                    return (null, null, "SQL Server tests need IOP_TEST_SQLSERVER or a Docker engine for Testcontainers; neither is here.");
                }
                await ExecuteAsync(new SqlConnection(server),
                    $"CREATE DATABASE [{name}]",
                    $"CREATE LOGIN [{name}_owner] WITH PASSWORD = N'{ownerPassword}', CHECK_POLICY = OFF",
                    $"CREATE LOGIN [{name}_app] WITH PASSWORD = N'{appPassword}', CHECK_POLICY = OFF",
                    $"USE [{name}]; CREATE USER [{name}_owner] FOR LOGIN [{name}_owner]; ALTER ROLE db_owner ADD MEMBER [{name}_owner]; CREATE USER [{name}_app] FOR LOGIN [{name}_app];");
                SqlConnectionStringBuilder Ms(string login, string password) =>
                    new(server) { InitialCatalog = name, UserID = login, Password = password, IntegratedSecurity = false, TrustServerCertificate = true };
                return (Ms($"{name}_app", appPassword).ConnectionString, Ms($"{name}_owner", ownerPassword).ConnectionString, null);
            default:
                return (null, null, $"{engine} has no roles to separate.");
        }
    }

    /// <summary>Drops what <see cref="CreateOwnedDatabaseAsync"/> made: the database, then its two roles.</summary>
    public static async Task DropOwnedDatabaseAsync(DatabaseEngine engine, string name, string connectionString)
    {
        await DropDatabaseAsync(engine, name, connectionString);
        if (engine == DatabaseEngine.Postgres)
        {
            await ExecuteAsync(new NpgsqlConnection(PostgresAdminConnection), $"DROP ROLE IF EXISTS \"{name}_app\"", $"DROP ROLE IF EXISTS \"{name}_owner\"");
        }
        else if (engine == DatabaseEngine.SqlServer && (SqlServerAdminConnection ?? await SqlServerContainer.TryStartAsync()) is { } server)
        {
            await ExecuteAsync(new SqlConnection(server),
                $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END",
                $"DROP LOGIN [{name}_app]",
                $"DROP LOGIN [{name}_owner]");
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, params string[] statements)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            foreach (var statement in statements)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync();
            }
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
