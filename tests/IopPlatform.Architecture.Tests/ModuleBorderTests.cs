using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

public sealed class ModuleBorderTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    public static TheoryData<string> Modules => Data.Modules();

    [Fact]
    public void Every_product_assembly_is_a_known_kind_and_every_known_project_is_built()
    {
        var discovered = Solution.DiscoveredProductAssemblyNames();
        Expect.None(discovered.Where(n => Solution.KindOf(n) == ProjectKind.Unknown)
            .Select(n => $"{n} is not a known product project (add it to {nameof(Solution)}.{nameof(Solution.Modules)})."));
        var expected = Solution.Modules.SelectMany(m => new[] { m.AssemblyName, m.ContractsAssemblyName }).Append(Solution.Api).Append(Solution.BuildingBlocks);
        Expect.None(expected.Except(discovered).Select(n => $"{n} was expected next to the tests but is missing."));
    }

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Compiled_references_respect_the_borders(string assemblyName)
    {
        var references = Solution.Load(assemblyName).GetReferencedAssemblies().Select(a => a.Name ?? string.Empty);
        Expect.None(ReferenceRules.Violations(assemblyName, references));
    }

    [Fact]
    public void Project_references_respect_the_borders()
    {
        // Catches references the compiler drops because nothing uses them yet.
        var src = Path.Combine(Solution.RepositoryRoot().FullName, "src");
        var projects = Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories).ToList();
        Assert.True(projects.Count >= 12, $"Expected the product projects under {src}, found {projects.Count}.");
        Expect.None(projects.SelectMany(p =>
            ReferenceRules.Violations(Path.GetFileNameWithoutExtension(p), ReferenceRules.ProjectReferences(File.ReadAllText(p)))));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_types_use_no_type_of_another_module_or_the_Api(string module)
    {
        var self = Solution.Module(module);
        var forbidden = Solution.Modules.Where(m => m != self).Select(Solution.ModuleAssembly).Append(Solution.Load(Solution.Api));
        Expect.None(DependencyBorders.TypesDependingOn(Solution.ModuleAssembly(self), forbidden)
            .Select(t => $"{t} (in {self.AssemblyName}) uses another module's or the Api's types."));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_types_use_no_module_BuildingBlocks_or_Api_type(string module)
    {
        var self = Solution.Module(module);
        var forbidden = Solution.Modules.Select(Solution.ModuleAssembly)
            .Append(Solution.Load(Solution.BuildingBlocks))
            .Append(Solution.Load(Solution.Api));
        Expect.None(DependencyBorders.TypesDependingOn(Solution.ContractsAssembly(self), forbidden)
            .Select(t => $"{t} (in {self.ContractsAssemblyName}) uses an implementation type."));
    }

    [Fact]
    public void BuildingBlocks_uses_no_module_contracts_or_Api_type()
    {
        var forbidden = Solution.Modules.SelectMany(m => new[] { Solution.ModuleAssembly(m), Solution.ContractsAssembly(m) })
            .Append(Solution.Load(Solution.Api));
        Expect.None(DependencyBorders.TypesDependingOn(Solution.Load(Solution.BuildingBlocks), forbidden)
            .Select(t => $"{t} (in BuildingBlocks) uses a module or Api type."));
    }

    // The rules can fail: fake reference lists, a fake project file, and a leaking type in this test assembly.

    [Theory]
    [InlineData("IopPlatform.Enrollment", "IopPlatform.Scheduling")]
    [InlineData("IopPlatform.Enrollment", "IopPlatform.Api")]
    [InlineData("IopPlatform.Enrollment.Contracts", "IopPlatform.BuildingBlocks")]
    [InlineData("IopPlatform.Enrollment.Contracts", "IopPlatform.Scheduling")]
    [InlineData("IopPlatform.BuildingBlocks", "IopPlatform.Enrollment")]
    [InlineData("IopPlatform.BuildingBlocks", "IopPlatform.Enrollment.Contracts")]
    [InlineData("IopPlatform.Scheduling", "IopPlatform.Billing")]
    public void Reference_rule_rejects_a_forbidden_reference(string from, string to)
    {
        var violations = ReferenceRules.Violations(from, ["System.Runtime", "MediatR", to]);
        Assert.Single(violations);
        Assert.Contains(to, violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_rule_accepts_the_allowed_references()
    {
        Expect.None(ReferenceRules.Violations("IopPlatform.Enrollment",
            ["IopPlatform.Enrollment", "IopPlatform.BuildingBlocks", "IopPlatform.Enrollment.Contracts", "IopPlatform.Scheduling.Contracts", "Dapper"]));
        Expect.None(ReferenceRules.Violations("IopPlatform.Outcomes.Contracts", ["IopPlatform.Enrollment.Contracts", "MediatR"]));
        Expect.None(ReferenceRules.Violations("IopPlatform.Api", ["IopPlatform.Enrollment", "IopPlatform.BuildingBlocks", "IopPlatform.Scheduling.Contracts"]));
    }

    [Fact]
    public void Reference_rule_rejects_an_unknown_product_project()
    {
        Assert.Single(ReferenceRules.Violations("IopPlatform.Billing", ["IopPlatform.BuildingBlocks"]));
    }

    [Fact]
    public void Project_file_reader_finds_a_forbidden_project_reference()
    {
        const string project = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="$(MSBuildThisFileDirectory)../../../IopPlatform.BuildingBlocks/IopPlatform.BuildingBlocks.csproj" />
                <ProjectReference Include="..\..\Scheduling\IopPlatform.Scheduling\IopPlatform.Scheduling.csproj" />
                <PackageReference Include="Dapper" />
              </ItemGroup>
            </Project>
            """;
        var references = ReferenceRules.ProjectReferences(project);
        Assert.Equal(["IopPlatform.BuildingBlocks", "IopPlatform.Scheduling"], references);
        var violations = ReferenceRules.Violations("IopPlatform.Enrollment", references);
        Assert.Contains("IopPlatform.Scheduling", Assert.Single(violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Dependency_rule_finds_a_type_that_uses_another_modules_implementation()
    {
        var failing = DependencyBorders.TypesDependingOn(
            typeof(ModuleBorderTests).Assembly,
            [Solution.ModuleAssembly(Solution.Module("Scheduling"))],
            "IopPlatform.Architecture.Tests.Samples.Borders");
        Assert.Equal(["IopPlatform.Architecture.Tests.Samples.Borders.LeakyFeature"], failing);
    }
}
