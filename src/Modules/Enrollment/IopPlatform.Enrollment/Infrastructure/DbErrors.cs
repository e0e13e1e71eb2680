using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IopPlatform.Enrollment.Infrastructure;

internal static class DbErrors
{
    /// <summary>A unique index refused the row: a concurrent writer got there first; the caller answers 409.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true, // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        SqlException { Number: 2601 or 2627 } => true,
        _ => false,
    };
}

/// <summary>
/// "col IN (@p0, @p1, ...)" with one parameter per value: Dapper's list expansion differs per provider (Npgsql passes
/// arrays), so the few IN lists are spelled out the same way on every engine.
/// </summary>
internal static class InList
{
    public static string Of<T>(string column, IReadOnlyList<T> values, Dapper.DynamicParameters parameters, string prefix)
    {
        if (values.Count == 0)
        {
            return "1 = 0";
        }
        var names = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var name = $"{prefix}{i}";
            parameters.Add(name, values[i]);
            names.Add("@" + name);
        }
        return $"{column} IN ({string.Join(", ", names)})";
    }
}
