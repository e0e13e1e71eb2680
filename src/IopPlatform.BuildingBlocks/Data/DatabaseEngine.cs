namespace IopPlatform.BuildingBlocks.Data;

/// <summary>The relational engines the platform runs on.</summary>
public enum DatabaseEngine
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>Bound from the <c>Database</c> section and <c>ConnectionStrings:Iop</c>.</summary>
public sealed class DatabaseOptions
{
    public DatabaseEngine Engine { get; set; } = DatabaseEngine.Sqlite;

    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// <c>Database:OwnerConnectionString</c>: the role that owns the schema, used only by the migration step. Empty:
    /// migrations run on <see cref="ConnectionString"/> (SQLite, development). Set: the app's role owns nothing and gets
    /// only the grants <see cref="AppRoleGrants"/> gives it, so it cannot switch the audit and note-lock triggers off.
    /// </summary>
    public string OwnerConnectionString { get; set; } = string.Empty;

    /// <summary>Whether migrations run as a separate owner role that grants the app's role what it needs.</summary>
    public bool HasSeparateOwner => !string.IsNullOrWhiteSpace(OwnerConnectionString) && OwnerConnectionString != ConnectionString;

    /// <summary>The connection migrations (and schema installs) run on.</summary>
    public string MigrationConnectionString => HasSeparateOwner ? OwnerConnectionString : ConnectionString;

    /// <summary>Run migrations when the host starts (development and tests); production runs <c>--migrate</c>.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
