using IopPlatform.Architecture.Tests.Checkers;
using IopPlatform.BuildingBlocks.Data;

namespace IopPlatform.Architecture.Tests;

public sealed class TSqlTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    public static TheoryData<string> Modules => Data.Modules();

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void SqlServer_migrations_parse_as_TSql(string assemblyName) =>
        Expect.None(MigrationCatalog.ReadScripts(Solution.Load(assemblyName))
            .Where(s => s.Script.Engine == "SqlServer")
            .SelectMany(s => TSqlSyntax.Errors(s.Sql).Select(e => $"{s.Script.ResourceName}: {e}")));

    [Theory]
    [MemberData(nameof(Modules))]
    public void Statement_constants_parse_as_TSql(string module) =>
        Expect.None(StringConstants.In(Solution.ModuleAssembly(Solution.Module(module)))
            .Where(c => TSqlSyntax.LooksLikeStatement(c.Value))
            .SelectMany(c => TSqlSyntax.Errors(TSqlSyntax.FillTemplateHoles(c.Value)).Select(e => $"{c.Location}: {e}")));

    [Theory]
    [InlineData("UPDATE t SET a = 1 WHERE ")]
    [InlineData("SELECT a FROM t WHERE {0} AND b = @B")]
    [InlineData("SELECT a FROM t WHERE b = @B AND ")]
    public void Template_holes_are_filled_before_parsing(string template) =>
        Expect.None(TSqlSyntax.Errors(TSqlSyntax.FillTemplateHoles(template)));

    [Fact]
    public void A_broken_template_still_fails_after_filling() =>
        Assert.NotEmpty(TSqlSyntax.Errors(TSqlSyntax.FillTemplateHoles("SELECT a FROM t WHERE {0} LIMIT 5")));

    [Fact]
    public void SqlServer_dialect_output_parses_as_TSql()
    {
        var dialect = ISqlDialect.For(DatabaseEngine.SqlServer);
        string[] statements =
        [
            $"SELECT id FROM sample_row ORDER BY id {dialect.Limit("@Take")}",
            $"SELECT id FROM sample_row WHERE {dialect.ContainsIgnoreCase("name", "@Query")}",
            dialect.InsertIgnoreDuplicate("sample_row", ["id", "tenant_key", "name"], ["tenant_key"]),
            dialect.Upsert("sample_row", ["id", "tenant_key", "name"], ["id"]),
            dialect.ExclusiveTransactionLock("platform:audit-chain")!,
        ];
        Expect.None(statements.SelectMany(s => TSqlSyntax.Errors(s).Select(e => $"{s}: {e}")));
    }

    [Fact]
    public void The_collected_statements_are_not_empty()
    {
        var enrollment = Solution.ModuleAssembly(Solution.Module("Enrollment"));
        Assert.Contains(StringConstants.In(enrollment), c => TSqlSyntax.LooksLikeStatement(c.Value));
        Assert.Contains(MigrationCatalog.ReadScripts(enrollment), s => s.Script.Engine == "SqlServer" && s.Sql.Contains("CREATE TABLE", StringComparison.Ordinal));
    }

    [Fact]
    public void Parser_accepts_GO_batches_and_parameters()
    {
        const string script = """
            CREATE TABLE sample_row (id uniqueidentifier NOT NULL PRIMARY KEY, version int NOT NULL);
            GO
            CREATE TRIGGER trg_sample_row_immutable ON sample_row INSTEAD OF DELETE AS
            BEGIN
                THROW 50000, 'rows are immutable', 1;
            END
            GO
            UPDATE sample_row SET version = version + 1 WHERE id = @Id AND version = @Version;
            """;
        Expect.None(TSqlSyntax.Errors(script));
    }

    [Theory]
    [InlineData("SELEC id FROM sample_row")]
    [InlineData("SELECT id FROM sample_row ORDER BY id LIMIT @Take")]
    [InlineData("INSERT INTO sample_row (id) VALUES (@Id) ON CONFLICT (id) DO NOTHING")]
    [InlineData("CREATE TABLE IF NOT EXISTS sample_row (id uniqueidentifier NOT NULL PRIMARY KEY)")]
    [InlineData("UPDATE sample_row SET WHERE id = @Id")]
    public void Parser_rejects_broken_or_foreign_SQL(string sql) => Assert.NotEmpty(TSqlSyntax.Errors(sql));

    [Theory]
    [InlineData("SELECT id FROM x", true)]
    [InlineData("\n    INSERT INTO x (id) VALUES (@Id)", true)]
    [InlineData("WITH c AS (SELECT 1 AS n) SELECT n FROM c", true)]
    [InlineData("id, site_id AS SiteId, name", false)]
    [InlineData("Update the record first.", false)]
    [InlineData("Enrollment", false)]
    public void Statement_detection(string value, bool expected) => Assert.Equal(expected, TSqlSyntax.LooksLikeStatement(value));
}
