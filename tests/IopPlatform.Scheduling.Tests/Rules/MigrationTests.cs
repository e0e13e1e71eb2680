using IopPlatform.BuildingBlocks.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Rules;

public sealed class MigrationTests
{
    private static readonly System.Reflection.Assembly Module = typeof(SchedulingModule).Assembly;

    private static string FileName(string resource) => string.Join('.', resource.Split('.')[^2..]);

    [Fact]
    public void Every_migration_exists_for_all_three_engines()
    {
        var sqlite = DatabaseMigrator.ScriptNames(Module, DatabaseEngine.Sqlite).Select(FileName).ToList();

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, DatabaseMigrator.ScriptNames(Module, DatabaseEngine.Postgres).Select(FileName));
        Assert.Equal(sqlite, DatabaseMigrator.ScriptNames(Module, DatabaseEngine.SqlServer).Select(FileName));
    }

    [Fact]
    public void Sql_server_migrations_parse_as_t_sql()
    {
        foreach (var name in DatabaseMigrator.ScriptNames(Module, DatabaseEngine.SqlServer))
        {
            using var stream = Module.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
            Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
        }
    }
}
