using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Features.Reports;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Reports;

/// <summary>The report's denominators at their boundaries (pure arithmetic; the HTTP test runs the same code on every engine).</summary>
public sealed class OutcomeReportMathTests
{
    private static readonly DateOnly Today = new(2026, 4, 6);

    private static EpisodeFacts Episode(int admittedDaysAgo, int? dischargedDaysAgo = null, string? reason = null, bool abstinent = false) =>
        new(new ProgramEpisodeDto
        {
            EnrollmentId = Guid.CreateVersion7(),
            PatientId = Guid.CreateVersion7(),
            ProgramId = Guid.Empty,
            SiteId = Guid.Empty,
            Status = dischargedDaysAgo is null ? "active" : "discharged",
            AdmissionDate = Today.AddDays(-admittedDaysAgo),
            DischargeDate = dischargedDaysAgo is { } d ? Today.AddDays(-d) : null,
            DischargeReason = reason,
        }, 0, abstinent, null);

    // Milestone 1 needs 30 days (DOMAIN §6 "sustained abstinence ≥ 30 days"), so the share's denominator is the episodes
    // observed at least 30 days: 29 days out, 30 days in; a discharged episode is observed up to its discharge date.
    [Theory]
    [InlineData(29, null, 0)]
    [InlineData(30, null, 1)]
    [InlineData(60, 31, 0)]
    [InlineData(60, 30, 1)]
    public void The_abstinent_share_counts_only_episodes_observed_30_days(int admittedDaysAgo, int? dischargedDaysAgo, int observed)
    {
        var figures = OutcomeReportMath.Figures("program", "p", [Episode(admittedDaysAgo, dischargedDaysAgo, dischargedDaysAgo is null ? null : "completed", abstinent: observed == 1)], Today);
        Assert.Equal(observed, figures.ObservedAtLeast30Days);
        Assert.Equal(observed == 1 ? 1m : null, figures.Abstinent30DaysShare);
    }

    // Completion and dropout are shares of discharges (SAMHSA TEDS-D reports reason for discharge over discharges; the
    // public anchors in README: 37.7 % completed, 23.2 % dropped out); patients still in treatment are in neither.
    [Fact]
    public void Completion_and_dropout_rates_are_over_discharges_not_admissions()
    {
        var figures = OutcomeReportMath.Figures("program", "p",
        [
            Episode(90, 10, "completed"), Episode(90, 20, "left_before_completion"), Episode(90, 30, "transferred_higher_level"),
            Episode(90, 40, "left_before_completion"), Episode(20), Episode(10),
        ], Today);
        Assert.Equal((4, 0.25m, 0.5m), (figures.Discharged, figures.CompletionRate!.Value, figures.DropoutRate!.Value));
        Assert.Equal((2, (decimal?)60m), figures.LengthOfStayByDischargeReason.Where(r => r.Reason == "left_before_completion").Select(r => (r.Discharges, r.MedianDays)).Single());

        var none = OutcomeReportMath.Figures("program", "p", [Episode(20)], Today);
        Assert.Equal((0, (decimal?)null, (decimal?)null), (none.Discharged, none.CompletionRate, none.DropoutRate));
    }
}
