using Microsoft.Extensions.Configuration;

namespace IopPlatform.ClinicalNotes;

/// <summary>Module settings (section <c>ClinicalNotes</c>).</summary>
internal sealed record ClinicalNotesOptions(int NoteDueHours, int TreatmentPlanDueDays, int PlanReviewIntervalDays, string OverdueNotesCron)
{
    public const string Section = "ClinicalNotes";

    /// <summary>Reads and checks the settings at start-up: jurisdictions require notes within 24 h to 7 days.</summary>
    public static ClinicalNotesOptions From(IConfiguration configuration)
    {
        var options = new ClinicalNotesOptions(
            configuration.GetValue($"{Section}:NoteDueHours", 72),
            configuration.GetValue($"{Section}:TreatmentPlanDueDays", 30),
            configuration.GetValue($"{Section}:PlanReviewIntervalDays", 30),
            configuration.GetValue($"{Section}:OverdueNotesCron", "0 6 * * *") ?? "0 6 * * *");
        if (options.NoteDueHours is < 1 or > 24 * 14)
        {
            throw new InvalidOperationException($"{Section}:NoteDueHours must be 1 to 336; it is {options.NoteDueHours}.");
        }
        if (options.TreatmentPlanDueDays is < 1 or > 365 || options.PlanReviewIntervalDays is < 1 or > 365)
        {
            throw new InvalidOperationException($"{Section}:TreatmentPlanDueDays and PlanReviewIntervalDays must be 1 to 365.");
        }
        return options;
    }
}
