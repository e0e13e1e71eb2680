namespace IopPlatform.BuildingBlocks.Data;

/// <summary>The few places where portable SQL is not enough. Feature SQL asks the dialect, never the engine.</summary>
public interface ISqlDialect
{
    DatabaseEngine Engine { get; }

    /// <summary>Appended after ORDER BY: at most <paramref name="limitParameter"/> rows.</summary>
    string Limit(string limitParameter);

    /// <summary>A case-insensitive "contains" of a parameter in a column.</summary>
    string ContainsIgnoreCase(string column, string parameter);

    /// <summary>
    /// INSERT ... or do nothing when a row with the same key exists. Returns the statement; the affected row count tells
    /// whether it inserted.
    /// </summary>
    string InsertIgnoreDuplicate(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns);

    /// <summary>INSERT, or UPDATE the non-key columns when the key exists.</summary>
    string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns);

    /// <summary>
    /// A statement run first inside a transaction that holds the named exclusive lock until commit, so writers on
    /// several API instances take turns (e.g. extending the audit hash chain). Null when the engine's write
    /// transaction is already exclusive (SQLite opens it with BEGIN IMMEDIATE). <paramref name="lockName"/> is a
    /// constant identifier, never user input.
    /// </summary>
    string? ExclusiveTransactionLock(string lockName);

    public static ISqlDialect For(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Sqlite => new SqliteDialect(),
        DatabaseEngine.Postgres => new PostgresDialect(),
        DatabaseEngine.SqlServer => new SqlServerDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };
}

internal static class DialectText
{
    public static string Values(IReadOnlyList<string> columns) => string.Join(", ", columns.Select(c => "@" + ParameterName(c)));

    /// <summary>
    /// <c>caller_id</c> → <c>CallerId</c>: the member name Dapper binds from a C# object. SQLite matches parameter names
    /// case-sensitively, so the case must be exact.
    /// </summary>
    public static string ParameterName(string column) =>
        string.Concat(column.Split('_').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    public static string CheckLockName(string lockName) =>
        !string.IsNullOrEmpty(lockName) && lockName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '.' or '-')
            ? lockName
            : throw new ArgumentException("A lock name is a constant of letters, digits, '_', ':', '.' and '-'.", nameof(lockName));

    /// <summary>A stable 64-bit key for a lock name (PostgreSQL advisory locks take numbers).</summary>
    public static long LockKey(string lockName) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CheckLockName(lockName))), 0);

    public static string UpdateSet(IReadOnlyList<string> columns, IReadOnlyList<string> keys, string excludedPrefix) =>
        string.Join(", ", columns.Except(keys).Select(c => $"{c} = {excludedPrefix}{c}"));
}

internal sealed class SqliteDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.Sqlite;

    public string Limit(string limitParameter) => $"LIMIT {limitParameter}";

    public string ContainsIgnoreCase(string column, string parameter) => $"instr(lower({column}), lower({parameter})) > 0";

    public string InsertIgnoreDuplicate(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({DialectText.Values(columns)}) ON CONFLICT ({string.Join(", ", keyColumns)}) DO NOTHING";

    public string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({DialectText.Values(columns)}) ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET {DialectText.UpdateSet(columns, keyColumns, "excluded.")}";

    public string? ExclusiveTransactionLock(string lockName)
    {
        DialectText.CheckLockName(lockName);
        return null;
    }
}

internal sealed class PostgresDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.Postgres;

    public string Limit(string limitParameter) => $"LIMIT {limitParameter}";

    public string ContainsIgnoreCase(string column, string parameter) => $"strpos(lower({column}), lower({parameter})) > 0";

    public string InsertIgnoreDuplicate(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({DialectText.Values(columns)}) ON CONFLICT ({string.Join(", ", keyColumns)}) DO NOTHING";

    public string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({DialectText.Values(columns)}) ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET {DialectText.UpdateSet(columns, keyColumns, "excluded.")}";

    public string? ExclusiveTransactionLock(string lockName) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({DialectText.LockKey(lockName)})");
}

internal sealed class SqlServerDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.SqlServer;

    public string Limit(string limitParameter) => $"OFFSET 0 ROWS FETCH NEXT {limitParameter} ROWS ONLY";

    public string ContainsIgnoreCase(string column, string parameter) => $"CHARINDEX(LOWER({parameter}), LOWER({column})) > 0";

    public string InsertIgnoreDuplicate(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {DialectText.Values(columns)} WHERE NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {string.Join(" AND ", keyColumns.Select(k => $"{k} = @{DialectText.ParameterName(k)}"))})";

    public string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns) =>
        $"MERGE {table} WITH (HOLDLOCK) AS t USING (SELECT {string.Join(", ", columns.Select(c => $"@{DialectText.ParameterName(c)} AS {c}"))}) AS s ON {string.Join(" AND ", keyColumns.Select(k => $"t.{k} = s.{k}"))} " +
        $"WHEN MATCHED THEN UPDATE SET {DialectText.UpdateSet(columns, keyColumns, "s.")} WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "s." + c))});";

    public string? ExclusiveTransactionLock(string lockName) =>
        $"DECLARE @lock_result int; EXEC @lock_result = sp_getapplock @Resource = N'{DialectText.CheckLockName(lockName)}', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000; " +
        "IF @lock_result < 0 THROW 51001, 'Could not acquire the application lock.', 1;";
}
