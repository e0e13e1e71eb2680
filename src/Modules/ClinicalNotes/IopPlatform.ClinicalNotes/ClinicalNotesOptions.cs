using Microsoft.Extensions.Configuration;

namespace IopPlatform.ClinicalNotes;

/// <summary>Module settings (section <c>ClinicalNotes</c>).</summary>
internal sealed record ClinicalNotesOptions(int NoteDueHours, int TreatmentPlanDueDays, int PlanReviewIntervalDays, string OverdueNotesCron, int CosignDueHours = ClinicalNotesOptions.DefaultCosignDueHours)
{
    public const string Section = "ClinicalNotes";

    /// <summary>Co-signature window when none is configured; also the deadline of notes pending before migration 0011.</summary>
    public const int DefaultCosignDueHours = 72;

    /// <summary>Reads and checks the settings at start-up: jurisdictions require notes within 24 h to 7 days.</summary>
    public static ClinicalNotesOptions From(IConfiguration configuration)
    {
        var options = new ClinicalNotesOptions(
            configuration.GetValue($"{Section}:NoteDueHours", 72),
            configuration.GetValue($"{Section}:TreatmentPlanDueDays", 30),
            configuration.GetValue($"{Section}:PlanReviewIntervalDays", 30),
            configuration.GetValue($"{Section}:OverdueNotesCron", "0 6 * * *") ?? "0 6 * * *",
            configuration.GetValue($"{Section}:CosignDueHours", DefaultCosignDueHours));
        if (options.NoteDueHours is < 1 or > 24 * 14)
        {
            throw new InvalidOperationException($"{Section}:NoteDueHours must be 1 to 336; it is {options.NoteDueHours}.");
        }
        if (options.CosignDueHours is < 1 or > 24 * 14)
        {
            throw new InvalidOperationException($"{Section}:CosignDueHours must be 1 to 336; it is {options.CosignDueHours}.");
        }
        if (options.TreatmentPlanDueDays is < 1 or > 365 || options.PlanReviewIntervalDays is < 1 or > 365)
        {
            throw new InvalidOperationException($"{Section}:TreatmentPlanDueDays and PlanReviewIntervalDays must be 1 to 365.");
        }
        return options;
    }
}
