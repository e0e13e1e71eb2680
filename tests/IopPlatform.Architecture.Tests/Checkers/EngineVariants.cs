using System.Text.RegularExpressions;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>
/// Feature test classes are abstract over the engine and bound by one sealed class per engine whose fixture type names
/// it (<c>SqliteApi</c>, <c>OutcomesPostgresApi</c>, ...). A class run on SQLite and PostgreSQL runs on SQL Server too
/// (issue 19): skipped with the reason where no SQL Server is reachable, run in CI where one is.
/// </summary>
internal static partial class EngineVariants
{
    public static readonly string[] Engines = ["Sqlite", "Postgres", "SqlServer"];

    /// <summary>Engine bindings in one source text: (abstract test class, engine) pairs.</summary>
    public static IEnumerable<(string TestClass, string Engine)> Bindings(string source) =>
        Binding().Matches(source)
            .Select(m => (TestClass: m.Groups["base"].Value, Fixture: m.Groups["fixture"].Value))
            .Select(b => (b.TestClass, Engine: Engines.LastOrDefault(e => b.Fixture.Contains(e, StringComparison.Ordinal)) ?? string.Empty))
            .Where(b => b.Engine.Length > 0);

    /// <summary>Test classes bound to SQLite and PostgreSQL but not to SQL Server, over the given files.</summary>
    public static IEnumerable<string> MissingSqlServer(IEnumerable<(string File, string Source)> files) =>
        files.SelectMany(f => Bindings(f.Source).Select(b => (f.File, b.TestClass, b.Engine)))
            .GroupBy(b => (b.File, b.TestClass))
            .Where(g => g.Any(b => b.Engine == "Sqlite") && g.Any(b => b.Engine == "Postgres") && g.All(b => b.Engine != "SqlServer"))
            .Select(g => $"{g.Key.File}: {g.Key.TestClass} runs on SQLite and PostgreSQL but has no SQL Server binding")
            .Order(StringComparer.Ordinal);

    /// <summary>Every test source file of the repository (build output excluded).</summary>
    public static IEnumerable<(string File, string Source)> TestSources(DirectoryInfo root) =>
        new DirectoryInfo(Path.Combine(root.FullName, "tests")).EnumerateFiles("*.cs", SearchOption.AllDirectories)
            .Where(f => !f.FullName.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Select(f => (Path.GetRelativePath(root.FullName, f.FullName), File.ReadAllText(f.FullName)));

    [GeneratedRegex(@"sealed\s+class\s+\w+\s*\(\s*(?<fixture>\w+)\s+\w+\s*\)\s*:\s*(?<base>\w+)\s*<\s*\w+\s*>\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex Binding();
}
