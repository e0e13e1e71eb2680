using System.Globalization;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>
/// Who may be admitted to an IOP (Enrollment module README, "Who may be admitted"): people who do not need medically supervised detox or have completed
/// it, on a licensed clinician's recommendation. Pure: the same screening always gives the same findings, each one
/// explaining itself; no finding means eligible.
/// </summary>
internal static class Eligibility
{
    public const string NotScreened = "not_screened";
    public const string DetoxPending = "detox_pending";
    public const string DetoxDateMissing = "detox_date_missing";
    public const string DetoxAfterAdmission = "detox_after_admission";
    public const string NoRecommendation = "no_clinician_recommendation";
    public const string RecommendationDateMissing = "recommendation_date_missing";
    public const string RecommendationAfterAdmission = "recommendation_after_admission";
    public const string LevelOfCareDifferenceUnexplained = "level_of_care_difference_unexplained";
    public const string AgeGroupMissing = "age_group_missing";

    /// <param name="screening">The screening as recorded.</param>
    /// <param name="admissionDate">The intended admission date; null checks everything that does not depend on it.</param>
    public static IReadOnlyList<EligibilityFinding> Evaluate(ScreeningDto screening, DateOnly? admissionDate)
    {
        ArgumentNullException.ThrowIfNull(screening);
        var findings = new List<EligibilityFinding>();
        switch (screening.DetoxStatus)
        {
            case null:
                findings.Add(new(NotScreened, "screening not recorded: detox status is unknown"));
                break;
            case DetoxStatus.Needed:
                findings.Add(new(DetoxPending, "needs medically supervised detox first: not admitted until detox is completed"));
                break;
            case DetoxStatus.Completed when screening.DetoxCompletedOn is null:
                findings.Add(new(DetoxDateMissing, "detox recorded as completed without a completion date"));
                break;
            case DetoxStatus.Completed when admissionDate is { } a && screening.DetoxCompletedOn > a:
                findings.Add(new(DetoxAfterAdmission, $"detox completed on {Day(screening.DetoxCompletedOn!.Value)}, after the admission date {Day(a)}: not admitted before detox is completed"));
                break;
        }
        if (string.IsNullOrWhiteSpace(screening.RecommendedBy))
        {
            findings.Add(new(NoRecommendation, "no licensed clinician recommendation recorded"));
        }
        else if (screening.RecommendedOn is null)
        {
            findings.Add(new(RecommendationDateMissing, "the clinician recommendation has no date"));
        }
        else if (admissionDate is { } a && screening.RecommendedOn > a)
        {
            findings.Add(new(RecommendationAfterAdmission, $"the clinician recommendation ({Day(screening.RecommendedOn.Value)}) is dated after the admission date {Day(a)}"));
        }
        if (screening.RecommendedLevelOfCare is { Length: > 0 } recommended && screening.ActualLevelOfCare is { Length: > 0 } actual
            && !string.Equals(recommended, actual, StringComparison.Ordinal) && string.IsNullOrWhiteSpace(screening.LevelOfCareDifferenceReason))
        {
            findings.Add(new(LevelOfCareDifferenceUnexplained, $"actual level of care {actual} differs from the recommended {recommended} and no reason is recorded"));
        }
        if (screening.AgeGroup is null)
        {
            findings.Add(new(AgeGroupMissing, "age group not recorded: the required weekly hours (adult or adolescent) cannot be set"));
        }
        return findings;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
