using Hangfire.AspNetCore;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Hangfire's tables are created by the migration step, as the owner: with a separate owner the app's storage does not
/// prepare its schema (its role may not create tables) and is granted row access to it instead.
/// </summary>
internal sealed class HangfireSchemaInstaller(DatabaseEngine engine, ILoggerFactory loggerFactory) : IOwnerSchemaInstaller
{
    public const string PostgresSchema = "hangfire";
    public const string SqlServerSchema = "HangFire";

    public string Schema => engine == DatabaseEngine.Postgres ? PostgresSchema : SqlServerSchema;

    public void Install(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Hangfire logs through a process-wide provider that this host sets only when its Hangfire configuration is
        // first resolved, after the migrations: point it at this host now (a previous host's may be disposed).
        LogProvider.SetCurrentLogProvider(new AspNetCoreLogProvider(loggerFactory));
        if (engine == DatabaseEngine.Postgres)
        {
            using var connection = new NpgsqlConnection(options.MigrationConnectionString);
            connection.Open();
            PostgreSqlObjectsInstaller.Install(connection, PostgresSchema);
        }
        else
        {
            using var connection = new SqlConnection(options.MigrationConnectionString);
            connection.Open();
            SqlServerObjectsInstaller.Install(connection, SqlServerSchema, enableHeavyMigrations: true);
        }
    }
}
