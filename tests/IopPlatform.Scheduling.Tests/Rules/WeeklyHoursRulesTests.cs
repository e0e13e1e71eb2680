using IopPlatform.Scheduling.Domain;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Rules;

public sealed class WeeklyHoursRulesTests
{
    private static readonly DateOnly Monday = new(2026, 3, 2);

    private static (DateOnly, int)[] Days(params int[] minutesPerDay) => minutesPerDay.Select((m, i) => (Monday.AddDays(i), m)).ToArray();

    [Theory]
    // minutes on consecutive days, required, below intensity, billing risk, reasons
    [InlineData(new[] { 180, 180, 180 }, 540, false, false, "")]
    [InlineData(new[] { 180, 180, 179 }, 540, true, true, "day_under_3_hours")]
    [InlineData(new[] { 270, 270 }, 540, false, true, "fewer_than_3_days")]
    [InlineData(new[] { 120, 0, 0 }, 360, true, true, "fewer_than_3_days,day_under_3_hours")]
    [InlineData(new int[0], 540, true, true, "fewer_than_3_days")]
    [InlineData(new[] { 180, 180, 180, 0 }, 360, false, false, "")]
    public void Intensity_and_billing_flags(int[] minutes, int required, bool below, bool risk, string reasons)
    {
        var verdict = WeeklyHoursRules.Evaluate(Days(minutes), required);

        Assert.Equal(minutes.Sum(), verdict.AttendedMinutes);
        Assert.Equal(below, verdict.BelowRequiredIntensity);
        Assert.Equal(risk, verdict.BillingRisk);
        Assert.Equal(reasons, string.Join(',', verdict.BillingRiskReasons));
    }

    [Fact]
    public void Two_sessions_on_one_day_add_up_to_one_attended_day()
    {
        var verdict = WeeklyHoursRules.Evaluate([(Monday, 90), (Monday, 90), (Monday.AddDays(2), 180), (Monday.AddDays(4), 180)], 540);

        Assert.Equal(3, verdict.Days.Count);
        Assert.False(verdict.BillingRisk);
        Assert.False(verdict.BelowRequiredIntensity);
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        var verdict = WeeklyHoursRules.Evaluate(Days(120, 120), 240, billingMinDays: 2, billingMinMinutesPerDay: 120);

        Assert.False(verdict.BillingRisk);
    }
}
