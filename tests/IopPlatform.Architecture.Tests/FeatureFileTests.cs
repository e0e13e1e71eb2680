using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

/// <summary>Files that say what they hold (issue 17): a newcomer finds a use case, a rule or a validator by its file's name.</summary>
public sealed class FeatureFileTests
{
    public static TheoryData<string> ProductAssemblies => Data.ProductAssemblies();

    [Fact]
    public void A_file_holds_one_use_case_and_none_over_400_lines_holds_more() =>
        Expect.None(FeatureFiles.UseCaseViolations(FeatureFiles.SourceFiles(), FeatureFiles.KnownMultiUseCaseFiles));

    [Fact]
    public void The_list_of_files_with_several_use_cases_only_shrinks() =>
        Expect.None(FeatureFiles.StaleKnownEntries(FeatureFiles.SourceFiles(), FeatureFiles.KnownMultiUseCaseFiles));

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Validation_failures_leave_only_through_the_validation_behaviour(string assemblyName) =>
        Expect.None(FeatureFiles.HandMadeValidationExceptions(IlScan.Calls(Solution.Load(assemblyName))));

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Stores_hold_data_access_not_rules(string assemblyName) =>
        Expect.None(FeatureFiles.RulesInStores(IlScan.Calls(Solution.Load(assemblyName))));

    [Fact]
    public void Use_case_count_reads_handlers_of_every_shape()
    {
        var file = FeatureFiles.Parse("Sample.cs", """
            internal sealed class AHandler : IRequestHandler<ARequest, ADto>, IRequestHandler<BRequest, ADto> { }
            internal sealed class CHandler : INotificationHandler<Contracts.Happened> { }
            internal sealed class DHandler : IRequestHandler<ARequest, ADto> { }
            """);
        Assert.Equal(["ARequest", "BRequest", "Contracts.Happened"], file.Handled);
        var longFile = file with { Path = "Long.cs", Lines = FeatureFiles.LongFileLines + 1 };
        var violations = FeatureFiles.UseCaseViolations([file, longFile, file with { Path = "Known.cs" }], new HashSet<string> { "Known.cs", "Long.cs" }).ToList();
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Sample.cs:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Long.cs:", StringComparison.Ordinal));
    }

    [Fact]
    public void Detectors_find_the_validation_behaviour_itself()
    {
        // Guards against a vacuous pass: the one allowed place must be seen by the scan.
        var calls = IlScan.Calls(Solution.Load("IopPlatform.BuildingBlocks"));
        Assert.Contains(calls, c => c.Callee is System.Reflection.ConstructorInfo && c.Callee.DeclaringType == typeof(FluentValidation.ValidationException)
                                    && c.Location.StartsWith("IopPlatform.BuildingBlocks.Messaging.ValidationBehavior`2.", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_reject_the_bad_samples()
    {
        var calls = IlScan.Calls(typeof(FeatureFileTests).Assembly)
            .Where(c => c.Location.StartsWith("IopPlatform.Architecture.Tests.Samples.FeatureFiles.", StringComparison.Ordinal)).ToList();
        Assert.Contains("HandMadeValidationHandler", Assert.Single(FeatureFiles.HandMadeValidationExceptions(calls)), StringComparison.Ordinal);
        Assert.Contains("JudgingStore", Assert.Single(FeatureFiles.RulesInStores(calls)), StringComparison.Ordinal);
    }
}
