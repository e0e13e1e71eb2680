using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

public sealed class SqlOwnershipTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    public static TheoryData<string> Modules => Data.Modules();

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Migrations_name_only_their_owners_tables(string assemblyName)
    {
        var owner = Solution.OwnerPrefixOf(assemblyName);
        Expect.None(MigrationCatalog.ReadScripts(Solution.Load(assemblyName)).SelectMany(s =>
            SqlOwnership.ForeignTableNames(owner, s.Sql).Select(name => $"{s.Script.ResourceName} names '{name}', not owned by '{owner}_'.")));
    }

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void String_constants_name_only_their_owners_tables(string assemblyName)
    {
        var owner = Solution.OwnerPrefixOf(assemblyName);
        Expect.None(StringConstants.In(Solution.Load(assemblyName)).SelectMany(c =>
            SqlOwnership.ForeignTableNames(owner, c.Value).Select(name => $"{c.Location} names '{name}', not owned by '{owner}_'.")));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Feature_SQL_uses_no_engine_clock_or_id_function(string module) =>
        Expect.None(StringConstants.In(Solution.ModuleAssembly(Solution.Module(module))).SelectMany(c =>
            SqlOwnership.VendorFunctions(c.Value).Select(f => $"{c.Location} calls {f}: pass time from TimeProvider and ids from C#.")));

    [Fact]
    public void Constant_collector_finds_the_Enrollment_SQL()
    {
        var constants = StringConstants.In(Solution.ModuleAssembly(Solution.Module("Enrollment")));
        Assert.Contains(constants, c => c.Value.Contains("INSERT INTO enrollment_site", StringComparison.Ordinal));
    }

    [Fact]
    public void Ownership_rule_rejects_another_modules_table()
    {
        Assert.Equal(["scheduling_session"],
            SqlOwnership.ForeignTableNames("enrollment", "SELECT s.id FROM enrollment_program p JOIN scheduling_session s ON s.program_id = p.id"));
        Assert.Equal(["platform_audit_entry"], SqlOwnership.ForeignTableNames("clinical_notes", "INSERT INTO platform_audit_entry (id) VALUES (@Id)"));
        Assert.Equal(["clinical_notes_note"], SqlOwnership.ForeignTableNames("outcomes", "select * from CLINICAL_NOTES_NOTE".ToLowerInvariant()));
        Assert.Equal(["scheduling_schema_versions"], SqlOwnership.ForeignTableNames("enrollment", "SELECT * FROM scheduling_schema_versions"));
    }

    [Fact]
    public void Ownership_rule_accepts_own_tables_and_own_journal()
    {
        Expect.None(SqlOwnership.ForeignTableNames("enrollment", "SELECT * FROM enrollment_site; SELECT * FROM enrollment_schema_versions"));
        Expect.None(SqlOwnership.ForeignTableNames("clinical_notes", "UPDATE clinical_notes_note SET version = @Version"));
        Expect.None(SqlOwnership.ForeignTableNames("platform", "CREATE TABLE platform_idempotency (key_hash TEXT)"));
        Expect.None(SqlOwnership.ForeignTableNames("outcomes", "SELECT id FROM outcomes_measure WHERE enrollment_id = @EnrollmentId"));
    }

    [Fact]
    public void Ownership_rule_finds_bad_constants_including_nested_ones()
    {
        var samples = StringConstants.In(typeof(SqlOwnershipTests).Assembly)
            .Where(c => c.Location.StartsWith("IopPlatform.Architecture.Tests.Samples.Sql.", StringComparison.Ordinal))
            .ToList();
        var foreign = samples.SelectMany(c => SqlOwnership.ForeignTableNames("enrollment", c.Value)).Order(StringComparer.Ordinal);
        Assert.Equal(["platform_audit_entry", "scheduling_session"], foreign);
        Assert.Equal(["GETUTCDATE("], samples.SelectMany(c => SqlOwnership.VendorFunctions(c.Value)));
    }

    [Theory]
    [InlineData("UPDATE x SET at = now() WHERE id = @Id")]
    [InlineData("UPDATE x SET at = NOW ( ) WHERE id = @Id")]
    [InlineData("UPDATE x SET at = GETUTCDATE() WHERE id = @Id")]
    [InlineData("UPDATE x SET at = GETDATE() WHERE id = @Id")]
    [InlineData("UPDATE x SET at = SYSUTCDATETIME() WHERE id = @Id")]
    [InlineData("UPDATE x SET at = SYSDATETIMEOFFSET() WHERE id = @Id")]
    [InlineData("UPDATE x SET at = CURRENT_TIMESTAMP WHERE id = @Id")]
    [InlineData("UPDATE x SET at = datetime('now') WHERE id = @Id")]
    [InlineData("SELECT * FROM x WHERE at > strftime('%s', 'now')")]
    [InlineData("INSERT INTO x (id) VALUES (NEWID())")]
    [InlineData("INSERT INTO x (id) VALUES (gen_random_uuid())")]
    public void Vendor_function_rule_rejects(string sql) => Assert.NotEmpty(SqlOwnership.VendorFunctions(sql));

    [Theory]
    [InlineData("UPDATE x SET at = @Now WHERE id = @Id")]
    [InlineData("SELECT known_at, nowhere FROM x WHERE created_at < @CurrentTimestamp")]
    public void Vendor_function_rule_accepts_parameters(string sql) => Expect.None(SqlOwnership.VendorFunctions(sql));
}
