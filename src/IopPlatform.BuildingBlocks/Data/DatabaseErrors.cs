using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>What an engine's error means, asked the same way on all three engines.</summary>
public static class DatabaseErrors
{
    /// <summary>A unique index refused the row: a concurrent writer got there first; the caller answers 409 or merges.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true, // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        SqlException { Number: 2601 or 2627 } => true,
        _ => false,
    };

    /// <summary>
    /// A table the code needs does not exist: the database has not been migrated yet (MigrateOnStart off and the
    /// deployment's migration step not run). A state of the deployment, not of the request.
    /// </summary>
    public static bool IsNotMigrated(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 1 } sqlite && sqlite.Message.Contains("no such table", StringComparison.Ordinal)
                || e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable }
                || e is SqlException { Number: 208 })
            {
                return true;
            }
        }
        return false;
    }
}
