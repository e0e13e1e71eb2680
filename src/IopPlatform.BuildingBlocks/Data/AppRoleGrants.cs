using System.Text;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// Least privilege (issue 19): with <see cref="DatabaseOptions.OwnerConnectionString"/> set, the migration step, as the
/// owner, grants the app's role (the user of <c>ConnectionStrings:Iop</c>) row access table by table and nothing else.
/// The app's role owns nothing, so it cannot disable a trigger, and on the append-only tables it lacks the UPDATE and
/// DELETE privileges as well, so even a trigger the owner switched off leaves the app unable to rewrite the audit trail.
/// Re-run after every migration, so a new table is granted by the step that creates it.
/// </summary>
public static class AppRoleGrants
{
    private const string ReadWrite = "SELECT, INSERT, UPDATE, DELETE";

    /// <summary>Tables the app only appends to (or, for the chain's counter, only moves forward).</summary>
    private static readonly Dictionary<string, string> Restricted = new(StringComparer.OrdinalIgnoreCase)
    {
        ["platform_audit_event"] = "SELECT, INSERT",
        ["platform_audit_checkpoint"] = "SELECT, INSERT",
        ["platform_audit_head"] = "SELECT, UPDATE",
    };

    /// <summary>The privileges the app's role gets on a table: migration journals are read-only (the health check reads them).</summary>
    public static string PrivilegesOn(string table) =>
        Restricted.TryGetValue(table, out var privileges) ? privileges
        : table.EndsWith("_schema_versions", StringComparison.OrdinalIgnoreCase) ? "SELECT"
        : ReadWrite;

    /// <summary>The role the app connects as: the user named in its connection string.</summary>
    public static string AppRole(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var user = options.Engine switch
        {
            DatabaseEngine.Postgres => new NpgsqlConnectionStringBuilder(options.ConnectionString).Username,
            DatabaseEngine.SqlServer => new SqlConnectionStringBuilder(options.ConnectionString).UserID,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(user)
            ? throw new InvalidOperationException("Database:OwnerConnectionString is set, so ConnectionStrings:Iop must name the app's role (Username / User Id) to grant it access.")
            : user;
    }

    public static void Apply(DatabaseOptions options, IEnumerable<string> extraSchemas)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasSeparateOwner || options.Engine == DatabaseEngine.Sqlite)
        {
            return;
        }
        var role = AppRole(options);
        var defaultSchema = options.Engine == DatabaseEngine.Postgres ? "public" : "dbo";
        var schemas = extraSchemas.Prepend(defaultSchema).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        using DbConnection connection = options.Engine == DatabaseEngine.Postgres
            ? new NpgsqlConnection(options.OwnerConnectionString)
            : new SqlConnection(options.OwnerConnectionString);
        connection.Open();
        var tables = connection.Query<(string Schema, string Name)>(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND " +
            (options.Engine == DatabaseEngine.Postgres ? "table_schema = ANY(@schemas)" : "table_schema IN @schemas"),
            new { schemas }).ToList();
        var existingSchemas = tables.Select(t => t.Schema).Append(defaultSchema).Distinct(StringComparer.OrdinalIgnoreCase);
        var sql = options.Engine == DatabaseEngine.Postgres
            ? PostgresGrants(role, existingSchemas, tables)
            : SqlServerGrants(role, tables);
        using var transaction = connection.BeginTransaction();
        connection.Execute(sql, transaction: transaction);
        transaction.Commit();
    }

    private static string PostgresGrants(string role, IEnumerable<string> schemas, IEnumerable<(string Schema, string Name)> tables)
    {
        var r = Quote(role, '"', '"');
        var sql = new StringBuilder();
        foreach (var schema in schemas)
        {
            var s = Quote(schema, '"', '"');
            sql.Append(CultureInfo.InvariantCulture, $"GRANT USAGE ON SCHEMA {s} TO {r};\n");
            sql.Append(CultureInfo.InvariantCulture, $"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r};\n");
        }
        foreach (var (schema, name) in tables)
        {
            var t = $"{Quote(schema, '"', '"')}.{Quote(name, '"', '"')}";
            sql.Append(CultureInfo.InvariantCulture, $"REVOKE ALL ON TABLE {t} FROM {r};\nGRANT {PrivilegesOn(name)} ON TABLE {t} TO {r};\n");
        }
        return sql.ToString();
    }

    private static string SqlServerGrants(string role, IEnumerable<(string Schema, string Name)> tables)
    {
        var r = Quote(role, '[', ']');
        var sql = new StringBuilder();
        foreach (var (schema, name) in tables)
        {
            var t = $"OBJECT::{Quote(schema, '[', ']')}.{Quote(name, '[', ']')}";
            sql.Append(CultureInfo.InvariantCulture, $"REVOKE {ReadWrite} ON {t} FROM {r};\nGRANT {PrivilegesOn(name)} ON {t} TO {r};\n");
        }
        return sql.ToString();
    }

    private static string Quote(string name, char open, char close) =>
        open + name.Replace(close.ToString(), new string(close, 2), StringComparison.Ordinal) + close;
}
