using System.Xml.Linq;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>
/// Which product assembly may reference which, from names alone so the same rule judges compiled references,
/// project files and fake samples: a module sees BuildingBlocks and Contracts; Contracts see only Contracts;
/// BuildingBlocks sees nothing of ours; only the Api sees modules.
/// </summary>
internal static class ReferenceRules
{
    public static IReadOnlyList<string> Violations(string assemblyName, IEnumerable<string> referencedNames)
    {
        var kind = Solution.KindOf(assemblyName);
        var violations = new List<string>();
        if (kind == ProjectKind.Unknown)
        {
            violations.Add($"{assemblyName} is not a known product project (add new modules to {nameof(Solution)}.{nameof(Solution.Modules)}).");
            return violations;
        }
        foreach (var reference in referencedNames.Where(n => n.StartsWith("IopPlatform.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            if (reference == assemblyName)
            {
                continue;
            }
            var target = Solution.KindOf(reference);
            var allowed = (kind, target) switch
            {
                (ProjectKind.Api, ProjectKind.Module or ProjectKind.Contracts or ProjectKind.BuildingBlocks) => true,
                (ProjectKind.Module, ProjectKind.BuildingBlocks or ProjectKind.Contracts) => true,
                (ProjectKind.Contracts, ProjectKind.Contracts) => true,
                _ => false,
            };
            if (!allowed)
            {
                violations.Add($"{assemblyName} ({kind}) must not reference {reference} ({target}).");
            }
        }
        return violations;
    }

    /// <summary>Assembly names of a project file's ProjectReferences (the project file name, as the solution names assemblies after projects).</summary>
    public static IReadOnlyList<string> ProjectReferences(string projectXml) =>
        XDocument.Parse(projectXml).Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>()
            .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
            .ToList();
}
