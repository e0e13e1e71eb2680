using System.Text.RegularExpressions;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>
/// Docs in the repository (issue 17): a clone holds everything a reader is sent to. A comment, a string (an alert's
/// basis is read by case managers) or a README that cites a design document kept outside the repository sends the
/// reader nowhere; a README's relative link must land on a file or folder of the repository.
/// </summary>
internal static partial class RepositoryLinks
{
    /// <summary>Names of the design documents kept outside the repository, and the folder that held them.</summary>
    public static readonly IReadOnlyList<string> OutsideDocuments = ["DOMAIN.md", "ARCHITECTURE.md", "STACK.md", "../shared", "/shared/design"];

    /// <summary>
    /// Files of src/ that still cite an outside document, each owned by another change in flight when this rule came.
    /// The list only shrinks: a file cleaned must leave it, and no file may join it.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownOutsideCitations = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>A text file of the repository: its path relative to the root (forward slashes) and its text.</summary>
    public sealed record TextFile(string Path, string Text);

    /// <summary>Every C# file of src/ and every README.md of the repository (build output and packages left out).</summary>
    public static IReadOnlyList<TextFile> Files()
    {
        var root = Solution.RepositoryRoot().FullName;
        var sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories);
        var readmes = Directory.EnumerateFiles(root, "README.md", SearchOption.AllDirectories);
        return sources.Concat(readmes)
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" or "node_modules" || part.StartsWith('.')))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p => new TextFile(p, File.ReadAllText(Path.Combine(root, p))))
            .ToList();
    }

    /// <summary>Lines that name an outside document, except in the files of the known list.</summary>
    public static IEnumerable<string> OutsideCitations(IEnumerable<TextFile> files, IReadOnlySet<string> known) =>
        from file in files
        where !known.Contains(file.Path)
        from line in file.Text.Split('\n').Select((text, index) => (text, number: index + 1))
        from name in OutsideDocuments
        where line.text.Contains(name, StringComparison.OrdinalIgnoreCase)
        select $"{file.Path}:{line.number}: cites {name}, which a clone of the repository does not have; cite the module README section or the published source.";

    /// <summary>Entries of the known list that cite no outside document (any more), or are gone: take them off.</summary>
    public static IEnumerable<string> StaleKnownEntries(IEnumerable<TextFile> files, IReadOnlySet<string> known)
    {
        var citing = files.Where(f => OutsideDocuments.Any(n => f.Text.Contains(n, StringComparison.OrdinalIgnoreCase))).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return known.Where(k => !citing.Contains(k)).Select(k => $"{k}: listed as citing an outside document but does not (any more); remove it from the list.");
    }

    /// <summary>Relative Markdown links of a README that leave the repository or point at nothing.</summary>
    public static IEnumerable<string> BrokenRelativeLinks(string root, IEnumerable<TextFile> files)
    {
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        foreach (var file in files.Where(f => f.Path.EndsWith(".md", StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(Path.Combine(fullRoot, file.Path))!;
            foreach (Match link in MarkdownLink().Matches(file.Text))
            {
                var target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                var resolved = Path.GetFullPath(Path.Combine(folder, target.Split('#')[0]));
                if (!(resolved + Path.DirectorySeparatorChar).StartsWith(fullRoot, StringComparison.Ordinal))
                {
                    yield return $"{file.Path}: links to {target}, outside the repository.";
                }
                else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    yield return $"{file.Path}: links to {target}, which does not exist in the repository.";
                }
            }
        }
    }

    [GeneratedRegex(@"\]\(\s*<?([^)\s>]+)>?[^)]*\)")]
    private static partial Regex MarkdownLink();
}
