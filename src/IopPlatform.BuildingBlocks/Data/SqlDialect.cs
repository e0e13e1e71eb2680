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

    public static string ParameterName(string column) =>
        string.Concat(column.Split('_').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

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
}
