using System.Reflection;
using System.Text.RegularExpressions;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>One embedded migration script: which engine it is for, its file name and its number.</summary>
internal sealed record MigrationScript(string ResourceName, string Engine, string FileName, string? Number);

/// <summary>
/// Embedded migrations (<c>*.Database.Migrations.{Sqlite,Postgres,SqlServer}.NNNN_name.sql</c>) and the trio rule:
/// a migration exists for all three engines under the same file name, or not at all.
/// </summary>
internal static partial class MigrationCatalog
{
    public static readonly IReadOnlyList<string> Engines = ["Sqlite", "Postgres", "SqlServer"];

    public static IReadOnlyList<MigrationScript> Parse(IEnumerable<string> resourceNames) =>
        resourceNames
            .Select(name => ResourcePattern().Match(name))
            .Where(m => m.Success)
            .Select(m =>
            {
                var file = m.Groups["file"].Value;
                var number = LeadingDigits().Match(file);
                return new MigrationScript(m.Value, m.Groups["engine"].Value, file, number.Success ? number.Value : null);
            })
            .ToList();

    public static IReadOnlyList<string> TrioViolations(IEnumerable<string> resourceNames)
    {
        var names = resourceNames.ToList();
        var violations = new List<string>();
        var scripts = Parse(names);

        // A .sql resource outside the engine folders is never run by the migrator: almost certainly a misplaced file.
        violations.AddRange(names
            .Where(n => n.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) && scripts.All(s => s.ResourceName != n))
            .Select(n => $"{n} is an embedded .sql outside '.Database.Migrations.{{{string.Join(',', Engines)}}}.'."));
        violations.AddRange(scripts
            .Where(s => !Engines.Contains(s.Engine))
            .Select(s => $"{s.ResourceName}: unknown engine folder '{s.Engine}' (expected {string.Join(", ", Engines)})."));
        violations.AddRange(scripts
            .Where(s => s.Number is null)
            .Select(s => $"{s.ResourceName}: file name does not start with a migration number."));

        var numbered = scripts.Where(s => s.Number is not null && Engines.Contains(s.Engine)).ToList();
        violations.AddRange(numbered
            .GroupBy(s => (s.Engine, s.Number))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Engine} has {g.Count()} migrations numbered {g.Key.Number}: {string.Join(", ", g.Select(s => s.FileName))}."));

        foreach (var byNumber in numbered.GroupBy(s => s.Number!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var missing = Engines.Where(e => byNumber.All(s => s.Engine != e)).ToList();
            if (missing.Count > 0)
            {
                violations.Add($"Migration {byNumber.Key} ({byNumber.First().FileName}) is missing for {string.Join(", ", missing)}.");
            }
            var fileNames = byNumber.Select(s => s.FileName).Distinct(StringComparer.Ordinal).ToList();
            if (fileNames.Count > 1)
            {
                violations.Add($"Migration {byNumber.Key} has different file names across engines: {string.Join(", ", byNumber.Select(s => $"{s.Engine}/{s.FileName}"))}.");
            }
        }
        return violations;
    }

    /// <summary>The scripts of an assembly with their text.</summary>
    public static IReadOnlyList<(MigrationScript Script, string Sql)> ReadScripts(Assembly assembly)
    {
        var result = new List<(MigrationScript, string)>();
        foreach (var script in Parse(assembly.GetManifestResourceNames()))
        {
            using var stream = assembly.GetManifestResourceStream(script.ResourceName)
                ?? throw new InvalidOperationException($"Resource {script.ResourceName} vanished.");
            using var reader = new StreamReader(stream);
            result.Add((script, reader.ReadToEnd()));
        }
        return result;
    }

    [GeneratedRegex(@"^.+\.Database\.Migrations\.(?<engine>[^.]+)\.(?<file>[^.].*\.sql)$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourcePattern();

    [GeneratedRegex(@"^[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingDigits();
}
