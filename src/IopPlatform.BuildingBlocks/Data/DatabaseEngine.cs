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

    /// <summary>Run migrations when the host starts (development and tests); production runs <c>--migrate</c>.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
