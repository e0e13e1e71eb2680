using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IopPlatform.BuildingBlocks.Data;

namespace IopPlatform.Reliability.Tests;

/// <summary>
/// Row count and content hash of every table of the application, to prove a rejected request wrote nothing.
/// Left out: the audit trail (every request, rejected or not, may be recorded) and stored idempotency responses.
/// </summary>
public sealed record DatabaseFingerprint(IReadOnlyDictionary<string, (long Rows, string Hash)> Tables)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.OrdinalIgnoreCase)
    {
        "platform_audit_event",
        "platform_audit_chain",
        "platform_audit_head",
        "platform_audit_checkpoint",
        "platform_idempotency_record",
    };

    /// <summary>Bookkeeping of authentication (an API key's last use), not an effect of the request itself.</summary>
    private static readonly HashSet<string> IgnoredColumns = new(StringComparer.OrdinalIgnoreCase) { "last_used_at" };

    public static async Task<DatabaseFingerprint> TakeAsync(DbConnection db, DatabaseEngine engine, CancellationToken ct)
    {
        var names = new List<string>();
        await using (var list = db.CreateCommand())
        {
            list.CommandText = engine == DatabaseEngine.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{(engine == DatabaseEngine.Postgres ? "public" : "dbo")}' AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                names.Add(reader.GetString(0));
            }
        }
        var tables = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !Ignored.Contains(n) && !n.Contains("journal", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var rows = new List<string>();
            await using var select = db.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{name}\"";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (IgnoredColumns.Contains(reader.GetName(i)))
                    {
                        continue;
                    }
                    row.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\u001f');
                }
                rows.Add(row.ToString());
            }
            rows.Sort(StringComparer.Ordinal);
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', rows))));
            tables[name] = (rows.Count, hash);
        }
        return new DatabaseFingerprint(tables);
    }

    /// <summary>Tables whose count or content differ, described; empty when equal.</summary>
    public IReadOnlyList<string> Differences(DatabaseFingerprint after) =>
        Tables.Keys.Union(after.Tables.Keys)
            .Where(t => !Tables.TryGetValue(t, out var a) || !after.Tables.TryGetValue(t, out var b) || a != b)
            .Select(t => $"{t}: {Describe(Tables, t)} -> {Describe(after.Tables, t)}")
            .ToList();

    private static string Describe(IReadOnlyDictionary<string, (long Rows, string Hash)> tables, string table) =>
        tables.TryGetValue(table, out var v) ? $"{v.Rows} rows {v.Hash[..8]}" : "absent";
}
