using IopPlatform.Enrollment.Contracts;
using IopPlatform.Enrollment.Features.Enrollments;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Enrollments;

public sealed class EligibilityTests
{
    private static readonly DateOnly Admission = new(2026, 3, 2);

    private static readonly ScreeningDto Eligible = new()
    {
        DetoxStatus = DetoxStatus.NotNeeded,
        RecommendedBy = "Dr. Rivera, LCSW",
        RecommendedOn = new DateOnly(2026, 2, 20),
        RecommendedLevelOfCare = "asam-3:2.1",
        ActualLevelOfCare = "asam-3:2.1",
        AgeGroup = AgeGroup.Adult,
    };

    public static TheoryData<string, ScreeningDto, string[]> Cases => new()
    {
        { "detox not needed, recommended, adult", Eligible, [] },
        { "detox completed before admission", Eligible with { DetoxStatus = DetoxStatus.Completed, DetoxCompletedOn = new DateOnly(2026, 2, 27) }, [] },
        { "detox completed on the admission day", Eligible with { DetoxStatus = DetoxStatus.Completed, DetoxCompletedOn = Admission }, [] },
        { "still needs detox", Eligible with { DetoxStatus = DetoxStatus.Needed }, [Eligibility.DetoxPending] },
        { "detox completed without a date", Eligible with { DetoxStatus = DetoxStatus.Completed, DetoxCompletedOn = null }, [Eligibility.DetoxDateMissing] },
        { "detox completed after admission", Eligible with { DetoxStatus = DetoxStatus.Completed, DetoxCompletedOn = new DateOnly(2026, 3, 3) }, [Eligibility.DetoxAfterAdmission] },
        { "detox status unknown", Eligible with { DetoxStatus = null }, [Eligibility.NotScreened] },
        { "no clinician recommendation", Eligible with { RecommendedBy = null, RecommendedOn = null }, [Eligibility.NoRecommendation] },
        { "blank clinician recommendation", Eligible with { RecommendedBy = "  " }, [Eligibility.NoRecommendation] },
        { "recommendation without a date", Eligible with { RecommendedOn = null }, [Eligibility.RecommendationDateMissing] },
        { "recommendation after admission", Eligible with { RecommendedOn = new DateOnly(2026, 3, 5) }, [Eligibility.RecommendationAfterAdmission] },
        { "level of care differs without reason", Eligible with { ActualLevelOfCare = "asam-3:1.0" }, [Eligibility.LevelOfCareDifferenceUnexplained] },
        { "level of care differs with reason", Eligible with { ActualLevelOfCare = "asam-3:1.0", LevelOfCareDifferenceReason = "No 2.5 bed available; patient preference" }, [] },
        { "only recommended level known", Eligible with { ActualLevelOfCare = null }, [] },
        { "age group missing", Eligible with { AgeGroup = null }, [Eligibility.AgeGroupMissing] },
        { "adolescent", Eligible with { AgeGroup = AgeGroup.Adolescent }, [] },
        { "several problems at once", new ScreeningDto { DetoxStatus = DetoxStatus.Needed }, [Eligibility.DetoxPending, Eligibility.NoRecommendation, Eligibility.AgeGroupMissing] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Findings_match_the_rules(string situation, ScreeningDto screening, string[] expectedRules)
    {
        var findings = Eligibility.Evaluate(screening, Admission);

        Assert.True(expectedRules.SequenceEqual(findings.Select(f => f.Rule)), $"{situation}: got [{string.Join(", ", findings.Select(f => f.Rule))}]");
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Explanation)));
    }

    [Fact]
    public void Pending_detox_explains_itself_in_the_clinicians_words()
    {
        var finding = Assert.Single(Eligibility.Evaluate(Eligible with { DetoxStatus = DetoxStatus.Needed }, Admission));
        Assert.Equal("needs medically supervised detox first: not admitted until detox is completed", finding.Explanation);
    }

    [Fact]
    public void Missing_recommendation_explains_itself()
    {
        var finding = Assert.Single(Eligibility.Evaluate(Eligible with { RecommendedBy = null }, Admission));
        Assert.Equal("no licensed clinician recommendation recorded", finding.Explanation);
    }

    [Fact]
    public void Without_an_admission_date_date_order_rules_are_not_applied()
    {
        Assert.Empty(Eligibility.Evaluate(Eligible with { DetoxStatus = DetoxStatus.Completed, DetoxCompletedOn = new DateOnly(2030, 1, 1) }, null));
    }

    [Theory]
    [InlineData(EnrollmentStatus.Referred, "screen,cancel")]
    [InlineData(EnrollmentStatus.Screened, "screen,admit,cancel")]
    [InlineData(EnrollmentStatus.Active, "hold,discharge")]
    [InlineData(EnrollmentStatus.OnHold, "resume,discharge")]
    [InlineData(EnrollmentStatus.Discharged, "")]
    [InlineData(EnrollmentStatus.Cancelled, "")]
    public void Allowed_transitions_follow_the_lifecycle(EnrollmentStatus from, string expected)
    {
        Assert.Equal(expected, string.Join(',', Transitions.From(from)));
    }

    [Fact]
    public void Targets_of_transitions()
    {
        Assert.Equal(EnrollmentStatus.Active, Transitions.Target(EnrollmentStatus.Screened, Transitions.Admit));
        Assert.Equal(EnrollmentStatus.OnHold, Transitions.Target(EnrollmentStatus.Active, Transitions.Hold));
        Assert.Equal(EnrollmentStatus.Active, Transitions.Target(EnrollmentStatus.OnHold, Transitions.Resume));
        Assert.Equal(EnrollmentStatus.Discharged, Transitions.Target(EnrollmentStatus.OnHold, Transitions.Discharge));
        Assert.Null(Transitions.Target(EnrollmentStatus.Referred, Transitions.Admit));
        Assert.Null(Transitions.Target(EnrollmentStatus.Discharged, Transitions.Resume));
    }
}
