using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

/// <summary>Docs in the repository (issue 17): nothing in src/ or a README sends the reader outside the repository.</summary>
public sealed class RepositoryLinkTests
{
    [Fact]
    public void No_source_file_or_README_cites_a_document_outside_the_repository() =>
        Expect.None(RepositoryLinks.OutsideCitations(RepositoryLinks.Files(), RepositoryLinks.KnownOutsideCitations));

    [Fact]
    public void The_list_of_files_citing_outside_documents_only_shrinks() =>
        Expect.None(RepositoryLinks.StaleKnownEntries(RepositoryLinks.Files(), RepositoryLinks.KnownOutsideCitations));

    [Fact]
    public void Relative_links_of_READMEs_land_inside_the_repository() =>
        Expect.None(RepositoryLinks.BrokenRelativeLinks(Solution.RepositoryRoot().FullName, RepositoryLinks.Files()));

    [Fact]
    public void Rules_reject_the_bad_samples()
    {
        // Guards against a vacuous pass: the scan sees the module READMEs and the C# sources, and each rule fires on a bad line.
        var files = RepositoryLinks.Files();
        Assert.Contains(files, f => f.Path == "src/Modules/Engagement/README.md");
        Assert.Contains(files, f => f.Path == "src/Modules/Engagement/IopPlatform.Engagement/Features/Drift/DriftRules.cs");
        var root = Solution.RepositoryRoot().FullName;
        RepositoryLinks.TextFile[] bad =
        [
            new("src/Bad.cs", "// the basis: see DOMAIN.md §7\nvar basis = \"ok\";"),
            new("src/README.md", "Read [the design](../../shared/design/ARCHITECTURE.md), [gone](Missing.md), [fine](Modules/Engagement/README.md), [web](https://example.org/x)."),
        ];
        var citations = RepositoryLinks.OutsideCitations(bad, new HashSet<string>()).ToList();
        Assert.Contains(citations, c => c.StartsWith("src/Bad.cs:1: cites DOMAIN.md", StringComparison.Ordinal));
        Assert.Contains(citations, c => c.StartsWith("src/README.md:1: cites ARCHITECTURE.md", StringComparison.Ordinal));
        var links = RepositoryLinks.BrokenRelativeLinks(root, bad).ToList();
        Assert.Equal(["src/README.md: links to ../../shared/design/ARCHITECTURE.md, outside the repository.", "src/README.md: links to Missing.md, which does not exist in the repository."], links);
    }
}
