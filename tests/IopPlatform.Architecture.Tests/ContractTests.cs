using IopPlatform.Architecture.Tests.Checkers;
using IopPlatform.Architecture.Tests.Samples.Contracts;

namespace IopPlatform.Architecture.Tests;

public sealed class ContractTests
{
    public static TheoryData<string> Modules => Data.Modules();

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_hold_only_public_sealed_records_and_enums(string module)
    {
        var contracts = Solution.ContractsAssembly(Solution.Module(module));
        Expect.None(ContractShape.Violations(Solution.TypesOf(contracts)));
    }

    [Fact]
    public void Record_detection_recognises_the_Enrollment_contracts()
    {
        var contracts = Solution.ContractsAssembly(Solution.Module("Enrollment"));
        var records = Solution.TypesOf(contracts).Where(ContractShape.IsRecord).Select(t => t.Name).ToList();
        Assert.Contains("SiteDto", records);
        Assert.Contains("GetSiteQuery", records);
    }

    [Fact]
    public void Shape_rule_accepts_sealed_records_enums_and_code_vocabularies()
    {
        Expect.None(ContractShape.Violations([typeof(GoodDto), typeof(GoodStatus), typeof(GoodCodes)]));
        Assert.False(ContractShape.IsRecord(typeof(PlainClassDto)));
    }

    [Theory]
    [InlineData(typeof(OpenDto), "not sealed")]
    [InlineData(typeof(PlainClassDto), "not a record")]
    [InlineData(typeof(HiddenDto), "not public")]
    [InlineData(typeof(ValueDto), "not a record")]
    [InlineData(typeof(IContractLike), "not a record")]
    [InlineData(typeof(GoodDto.NestedDto), "nested")]
    [InlineData(typeof(CodesWithLogic), "not a record")]
    public void Shape_rule_rejects(Type type, string reason)
    {
        var violation = Assert.Single(ContractShape.Violations([type]));
        Assert.Contains(reason, violation, StringComparison.Ordinal);
    }
}
