using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

/// <summary>Three engines alike (issue 19): derived from the test sources, so a new feature test class cannot skip SQL Server.</summary>
public sealed class EngineVariantTests
{
    [Fact]
    public void Every_test_class_on_SQLite_and_PostgreSQL_also_runs_on_SQL_Server() =>
        Expect.None(EngineVariants.MissingSqlServer(EngineVariants.TestSources(Solution.RepositoryRoot())));

    [Fact]
    public void The_scan_finds_the_engine_bindings()
    {
        var bindings = EngineVariants.TestSources(Solution.RepositoryRoot()).SelectMany(f => EngineVariants.Bindings(f.Source)).ToList();
        Assert.True(bindings.Count(b => b.Engine == "SqlServer") >= 40, $"{bindings.Count(b => b.Engine == "SqlServer")} SQL Server bindings found");
        Assert.Contains(bindings, b => b is { TestClass: "NotesTests", Engine: "Postgres" });
    }

    private const string Sample = """
        public abstract class NotesTests<TApi>(TApi api) : EngineTest<TApi>(api) where TApi : ApiFactory;
        public sealed class NotesSqliteTests(NotesSqliteApi api) : NotesTests<NotesSqliteApi>(api), IClassFixture<NotesSqliteApi>;
        public sealed class NotesPostgresTests(NotesPostgresApi api)
            : NotesTests<NotesPostgresApi>(api), IClassFixture<NotesPostgresApi>;
        public sealed class NotesSqlServerTests(NotesSqlServerApi api) : NotesTests<NotesSqlServerApi>(api), IClassFixture<NotesSqlServerApi>;
        public sealed class OnlySqlite(SqliteApi api) : OtherTests<SqliteApi>(api), IClassFixture<SqliteApi>;
        """;

    [Fact]
    public void A_class_with_all_three_bindings_passes_and_one_engine_only_is_not_asked_for_more() =>
        Expect.None(EngineVariants.MissingSqlServer([("Sample.cs", Sample)]));

    [Fact]
    public void A_class_without_its_SQL_Server_binding_is_reported()
    {
        var bad = Sample.Replace("public sealed class NotesSqlServerTests", "// public sealed class NotesSqlServerTests", StringComparison.Ordinal)
            .Replace("NotesTests<NotesSqlServerApi>", "Unrelated<X>", StringComparison.Ordinal);
        Assert.Equal(["Sample.cs: NotesTests runs on SQLite and PostgreSQL but has no SQL Server binding"], EngineVariants.MissingSqlServer([("Sample.cs", bad)]));
    }
}
