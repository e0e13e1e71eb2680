using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using IopPlatform.BuildingBlocks.Modules;
using Microsoft.Data.Sqlite;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// Runs each module's embedded migrations for the configured engine, with one journal table per module
/// (<c>{module}_schema_versions</c>) so modules migrate independently.
/// </summary>
public sealed class DatabaseMigrator
{
    private readonly DatabaseOptions _options;
    private readonly IEnumerable<ModuleDescriptor> _modules;
    private readonly ILogger<DatabaseMigrator> _logger;
    private readonly IEnumerable<IOwnerSchemaInstaller> _installers;

    public DatabaseMigrator(DatabaseOptions options, IEnumerable<ModuleDescriptor> modules, ILogger<DatabaseMigrator> logger, IEnumerable<IOwnerSchemaInstaller> installers)
    {
        _options = options;
        _modules = modules;
        _logger = logger;
        _installers = installers;
    }

    /// <summary>The embedded-resource folder that holds an engine's scripts.</summary>
    public static string EngineFolder(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Sqlite => "Sqlite",
        DatabaseEngine.Postgres => "Postgres",
        DatabaseEngine.SqlServer => "SqlServer",
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    public static IReadOnlyList<string> ScriptNames(Assembly assembly, DatabaseEngine engine) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.Contains($".Database.Migrations.{EngineFolder(engine)}.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public void MigrateAll()
    {
        PrepareSqliteFile();
        foreach (var module in _modules.OrderBy(m => m.MigrationOrder))
        {
            var folder = $".Database.Migrations.{EngineFolder(_options.Engine)}.";
            var builder = Target(module.Name, _options.MigrationConnectionString)
                .WithScriptsEmbeddedInAssembly(module.Assembly, name => name.Contains(folder, StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere();
            var result = builder.Build().PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Migration of module '{module.Name}' failed in script '{result.ErrorScript?.Name}': {result.Error.Message}", result.Error);
            }
            foreach (var script in result.Scripts)
            {
                _logger.LogInformation("Migrated {Module}: {Script}", module.Name, script.Name);
            }
        }
        foreach (var installer in _installers)
        {
            installer.Install(_options);
        }
        AppRoleGrants.Apply(_options, _installers.Select(i => i.Schema));
    }

    /// <summary>Scripts not yet applied, per module; empty when the database is current.</summary>
    public IReadOnlyList<string> PendingScripts()
    {
        var pending = new List<string>();
        foreach (var module in _modules)
        {
            var folder = $".Database.Migrations.{EngineFolder(_options.Engine)}.";
            // The app's own connection: its role may read the journals.
            var engine = Target(module.Name, _options.ConnectionString)
                .WithScriptsEmbeddedInAssembly(module.Assembly, name => name.Contains(folder, StringComparison.Ordinal))
                .LogToNowhere()
                .Build();
            pending.AddRange(engine.GetScriptsToExecute().Select(s => s.Name));
        }
        return pending;
    }

    private UpgradeEngineBuilder Target(string module, string connectionString)
    {
        var journal = $"{module}_schema_versions";
        return _options.Engine switch
        {
            DatabaseEngine.Sqlite => DeployChanges.To.SqliteDatabase(connectionString)
                .JournalTo((connection, log) => new DbUp.Sqlite.SqliteTableJournal(connection, log, journal)),
            DatabaseEngine.Postgres => DeployChanges.To.PostgresqlDatabase(connectionString)
                .JournalToPostgresqlTable("public", journal),
            DatabaseEngine.SqlServer => DeployChanges.To.SqlDatabase(connectionString)
                .JournalToSqlTable("dbo", journal),
            _ => throw new ArgumentOutOfRangeException(nameof(module)),
        };
    }

    private void PrepareSqliteFile()
    {
        if (_options.Engine != DatabaseEngine.Sqlite)
        {
            return;
        }
        var builder = new SqliteConnectionStringBuilder(_options.ConnectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        using var connection = new SqliteConnection(_options.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // WAL persists in the file: concurrent readers never block the writer.
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
