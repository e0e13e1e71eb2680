using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

public sealed class MigrationTrioTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Every_migration_exists_for_all_three_engines_under_one_name(string assemblyName) =>
        Expect.None(MigrationCatalog.TrioViolations(Solution.Load(assemblyName).GetManifestResourceNames()));

    [Fact]
    public void Catalog_finds_the_Enrollment_trio()
    {
        var scripts = MigrationCatalog.Parse(Solution.ModuleAssembly(Solution.Module("Enrollment")).GetManifestResourceNames());
        Assert.Equal(MigrationCatalog.Engines.Order(), scripts.Where(s => s.Number == "0001").Select(s => s.Engine).Order());
    }

    private const string P = "IopPlatform.Sample.Database.Migrations.";

    [Fact]
    public void Trio_rule_accepts_complete_trios()
    {
        Expect.None(MigrationCatalog.TrioViolations(
        [
            P + "Sqlite.0001_create.sql", P + "Postgres.0001_create.sql", P + "SqlServer.0001_create.sql",
            P + "Sqlite.0002_more.sql", P + "Postgres.0002_more.sql", P + "SqlServer.0002_more.sql",
            "IopPlatform.Sample.Something.json",
        ]));
    }

    [Theory]
    [InlineData("missing for SqlServer", "Sqlite.0001_create.sql", "Postgres.0001_create.sql")]
    [InlineData("different file names", "Sqlite.0001_create.sql", "Postgres.0001_create.sql", "SqlServer.0001_create_tables.sql")]
    [InlineData("numbered 0001", "Sqlite.0001_a.sql", "Sqlite.0001_b.sql", "Postgres.0001_a.sql", "Postgres.0001_b.sql", "SqlServer.0001_a.sql", "SqlServer.0001_b.sql")]
    [InlineData("does not start with a migration number", "Sqlite.create.sql", "Postgres.create.sql", "SqlServer.create.sql")]
    [InlineData("unknown engine folder 'MySql'", "Sqlite.0001_a.sql", "Postgres.0001_a.sql", "SqlServer.0001_a.sql", "MySql.0001_a.sql")]
    public void Trio_rule_rejects(string expected, params string[] files)
    {
        var violations = MigrationCatalog.TrioViolations(files.Select(f => P + f));
        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Trio_rule_rejects_a_script_outside_the_engine_folders()
    {
        var violation = Assert.Single(MigrationCatalog.TrioViolations(["IopPlatform.Sample.Database.Migration.Sqlite.0001_a.sql"]));
        Assert.Contains("outside", violation, StringComparison.Ordinal);
    }
}
