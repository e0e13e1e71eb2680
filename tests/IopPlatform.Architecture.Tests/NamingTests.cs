using IopPlatform.Architecture.Tests.Checkers;
using IopPlatform.Architecture.Tests.Samples.Naming;

namespace IopPlatform.Architecture.Tests;

public sealed class NamingTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    public static TheoryData<string> Modules => Data.Modules();

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Handlers_validators_and_endpoints_carry_their_suffix(string assemblyName) =>
        Expect.None(NamingRules.SuffixViolations(Solution.TypesOf(Solution.Load(assemblyName))));

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_assemblies_expose_only_their_Module_class(string module) =>
        Expect.None(NamingRules.PublicSurfaceViolations(Solution.TypesOf(Solution.ModuleAssembly(Solution.Module(module)))));

    [Fact]
    public void Detectors_recognise_the_Enrollment_feature_types()
    {
        // Guards against a vacuous pass, e.g. if MediatR or FluentValidation types stopped matching by identity.
        var types = Solution.TypesOf(Solution.ModuleAssembly(Solution.Module("Enrollment")));
        Assert.Contains(types, t => NamingRules.IsHandler(t) && t.Name == "CreateSiteHandler");
        Assert.Contains(types, t => NamingRules.IsValidator(t) && t.Name == "CreateSiteValidator");
        Assert.Contains(types, t => NamingRules.IsEndpoint(t) && t.Name == "CreateSiteEndpoint");
    }

    [Fact]
    public void Suffix_rule_accepts_well_named_types()
    {
        Expect.None(NamingRules.SuffixViolations(
            [typeof(SampleRequestHandler), typeof(SampleProcessorBase), typeof(SampleRequestValidator), typeof(SampleEndpoint), typeof(SampleModule), typeof(SampleRequest)]));
    }

    [Theory]
    [InlineData(typeof(SampleProcessor), "'Handler'")]
    [InlineData(typeof(SampleListener), "'Handler'")]
    [InlineData(typeof(SampleRules), "'Validator'")]
    [InlineData(typeof(SampleRoutes), "'Endpoint'")]
    public void Suffix_rule_rejects(Type type, string expectedSuffix)
    {
        var violation = Assert.Single(NamingRules.SuffixViolations([type]));
        Assert.Contains(expectedSuffix, violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_surface_rule_rejects_a_public_type_other_than_the_Module_class()
    {
        var violations = NamingRules.PublicSurfaceViolations([typeof(SampleModule), typeof(LeakyService), typeof(QuietService), typeof(SampleRequestHandler)]);
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains(nameof(LeakyService), StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(nameof(SampleRequestHandler), StringComparison.Ordinal));
    }
}
