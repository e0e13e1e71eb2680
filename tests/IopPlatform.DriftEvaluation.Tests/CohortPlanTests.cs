using Xunit;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>The generator's ground truth: every trajectory present, labels consistent, the same seed the same cohort.</summary>
public sealed class CohortPlanTests
{
    [Theory]
    [InlineData(16, 60, 8)]
    [InlineData(16, 84, 10)]
    public void Every_trajectory_is_present_and_dropouts_stop_early_enough_to_be_judged(int seed, int patients, int weeks)
    {
        var options = new CohortOptions(seed, patients, weeks);
        var plan = Cohort.Plan(options);

        Assert.Equal(patients, plan.Count);
        Assert.Equal(Enum.GetValues<Trajectory>().Order(), plan.Select(p => p.Trajectory).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, Cohort.Programs.Length), plan.Select(p => p.Program).Distinct().Order());
        Assert.Contains(plan, p => p.ExcusedWeekDay is not null);
        Assert.Contains(plan, p => p.IntakeRecentUse && !p.Drifts);
        Assert.Contains(plan, p => p.EarlyPositiveTests > 0 && !p.Drifts);
        foreach (var p in plan)
        {
            Assert.True(p.AdmissionDay % 7 < 5, $"{p.Mrn} admitted on a weekend");
            Assert.Equal(p.Drifts, p.StopDay is not null);
            if (p.Drifts)
            {
                // A week after the last session is still inside the run: recall can be judged for every dropout.
                Assert.True(p.StopDay <= (weeks * 7) - 14, $"{p.Mrn} stops on day {p.StopDay}");
                Assert.True(p.DriftDay <= p.StopDay && p.DriftDay > p.AdmissionDay, $"{p.Mrn} drift day {p.DriftDay}");
            }
        }
        Assert.Equal(plan, Cohort.Plan(options));
    }

    [Fact]
    public void Retained_patients_rarely_miss_twice_in_a_row_and_an_early_dropout_attends_only_before_stopping()
    {
        var plan = Cohort.Plan(CohortOptions.Full);
        var early = plan.First(p => p.Trajectory == Trajectory.EarlyDropout);
        Assert.Equal("present", Cohort.Attendance(16, early, early.AdmissionDay, previousUnexcused: false, firstSession: true));
        Assert.Null(Cohort.Attendance(16, early, early.StopDay!.Value, previousUnexcused: false, firstSession: false));

        var intermittent = plan.First(p => p.Trajectory == Trajectory.Intermittent);
        var afterMiss = Enumerable.Range(0, 1000).Count(day => Cohort.Attendance(16, intermittent with { ExcusedWeekDay = null }, day, previousUnexcused: true, firstSession: false) is null);
        var fresh = Enumerable.Range(0, 1000).Count(day => Cohort.Attendance(16, intermittent with { ExcusedWeekDay = null }, day, previousUnexcused: false, firstSession: false) is null);
        Assert.InRange(afterMiss, 5, 50);
        Assert.InRange(fresh, 90, 200);
    }
}
