namespace IopPlatform.Scheduling.Domain;

/// <summary>The verdict on one week of attendance.</summary>
internal sealed record WeeklyHoursVerdict(
    int AttendedMinutes,
    IReadOnlyList<(DateOnly Date, int Minutes)> Days,
    bool BelowRequiredIntensity,
    bool BillingRisk,
    IReadOnlyList<string> BillingRiskReasons);

/// <summary>
/// ASAM intensity and the H0015 billing rule (≥ 3 hours a day on ≥ 3 days a week) applied to a week's attended minutes
/// per local day. Thresholds come from configuration; the defaults are the payer's numbers.
/// </summary>
internal static class WeeklyHoursRules
{
    public const string FewerThanMinimumDays = "fewer_than_3_days";
    public const string DayUnderMinimumHours = "day_under_3_hours";

    public static WeeklyHoursVerdict Evaluate(IEnumerable<(DateOnly Date, int Minutes)> attended, int requiredMinutes, int billingMinDays = 3, int billingMinMinutesPerDay = 180)
    {
        var days = attended
            .Where(a => a.Minutes > 0)
            .GroupBy(a => a.Date)
            .Select(g => (Date: g.Key, Minutes: g.Sum(a => a.Minutes)))
            .OrderBy(d => d.Date)
            .ToList();
        var total = days.Sum(d => d.Minutes);
        var reasons = new List<string>();
        if (days.Count < billingMinDays)
        {
            reasons.Add(FewerThanMinimumDays);
        }
        if (days.Any(d => d.Minutes < billingMinMinutesPerDay))
        {
            reasons.Add(DayUnderMinimumHours);
        }
        return new WeeklyHoursVerdict(total, days, total < requiredMinutes, reasons.Count > 0, reasons);
    }
}
