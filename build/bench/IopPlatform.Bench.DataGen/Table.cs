using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace IopPlatform.Bench.DataGen;

/// <summary>Column kinds, mapped to PostgreSQL's binary COPY types or to the TEXT forms the API's SQLite type handlers use.</summary>
internal enum Col
{
    Uuid,
    Text,
    Int,
    Bool,
    Instant,
    Date,
    Time,
    Numeric,
}

internal sealed record TableSpec(string Name, (string Name, Col Kind)[] Columns)
{
    public string ColumnList => string.Join(", ", Columns.Select(c => c.Name));
}

/// <summary>Bulk writer for one engine. Rows arrive as object arrays in column order.</summary>
internal interface IBulkWriter : IAsyncDisposable
{
    Task<long> WriteAsync(TableSpec table, IEnumerable<object?[]> rows, Progress progress);

    Task ExecuteAsync(string sql);
}

internal sealed class PostgresWriter(NpgsqlConnection connection) : IBulkWriter
{
    public static async Task<PostgresWriter> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return new PostgresWriter(connection);
    }

    public async Task<long> WriteAsync(TableSpec table, IEnumerable<object?[]> rows, Progress progress)
    {
        long n = 0;
        await using (var import = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                import.StartRow();
                for (var i = 0; i < row.Length; i++)
                {
                    var value = row[i];
                    if (value is null)
                    {
                        import.WriteNull();
                        continue;
                    }
                    switch (table.Columns[i].Kind)
                    {
                        case Col.Uuid: import.Write((Guid)value, NpgsqlDbType.Uuid); break;
                        case Col.Text: import.Write((string)value, NpgsqlDbType.Varchar); break;
                        case Col.Int: import.Write((int)value, NpgsqlDbType.Integer); break;
                        case Col.Bool: import.Write((bool)value, NpgsqlDbType.Boolean); break;
                        case Col.Instant: import.Write(((DateTimeOffset)value).ToUniversalTime(), NpgsqlDbType.TimestampTz); break;
                        case Col.Date: import.Write((DateOnly)value, NpgsqlDbType.Date); break;
                        case Col.Time: import.Write((TimeOnly)value, NpgsqlDbType.Time); break;
                        case Col.Numeric: import.Write((decimal)value, NpgsqlDbType.Numeric); break;
                        default: throw new InvalidOperationException(table.Columns[i].Kind.ToString());
                    }
                }
                n++;
                progress.Add(table.Name, 1);
            }
            await import.CompleteAsync();
        }
        return n;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

/// <summary>
/// SQLite: one prepared INSERT reused for every row, committed every <see cref="BatchRows"/> rows. Values are written
/// in the API's stored forms (DapperTypeHandlers): Guid "D", instants as UTC ISO text with +00:00, dates yyyy-MM-dd,
/// times HH:mm:ss, booleans 0/1.
/// </summary>
internal sealed class SqliteWriter(SqliteConnection connection) : IBulkWriter
{
    private const int BatchRows = 50_000;

    public static async Task<SqliteWriter> OpenAsync(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            // Loading only: WAL is already on from the migrations; NORMAL sync is what the API uses too.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-200000;";
            await pragma.ExecuteNonQueryAsync();
        }
        return new SqliteWriter(connection);
    }

    public async Task<long> WriteAsync(TableSpec table, IEnumerable<object?[]> rows, Progress progress)
    {
        var placeholders = string.Join(", ", table.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)));
        long n = 0;
        SqliteTransaction? tx = null;
        SqliteCommand? command = null;
        try
        {
            foreach (var row in rows)
            {
                if (tx is null)
                {
                    tx = connection.BeginTransaction();
                    command = connection.CreateCommand();
                    command.Transaction = tx;
                    command.CommandText = $"INSERT INTO {table.Name} ({table.ColumnList}) VALUES ({placeholders})";
                    for (var i = 0; i < table.Columns.Length; i++)
                    {
                        command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
                    }
                    command.Prepare();
                }
                for (var i = 0; i < row.Length; i++)
                {
                    command!.Parameters[i].Value = ToSqlite(row[i], table.Columns[i].Kind);
                }
                await command!.ExecuteNonQueryAsync();
                n++;
                progress.Add(table.Name, 1);
                if (n % BatchRows == 0)
                {
                    await tx.CommitAsync();
                    await command.DisposeAsync();
                    await tx.DisposeAsync();
                    tx = null;
                    command = null;
                }
            }
            if (tx is not null)
            {
                await tx.CommitAsync();
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
            if (tx is not null)
            {
                await tx.DisposeAsync();
            }
        }
        return n;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private static object ToSqlite(object? value, Col kind) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString("D"),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        decimal m when kind == Col.Numeric => (double)m,
        _ => value,
    };
}
