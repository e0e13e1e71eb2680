namespace IopPlatform.Outcomes.Features.Recovery;

internal static class RecoveryWords
{
    public const string StableHousing = "stable";
    public static readonly IReadOnlyList<string> Housing = [StableHousing, "unstable", "homeless"];

    public static readonly IReadOnlyList<string> Employment =
        ["employed_full_time", "employed_part_time", "unemployed", "student", "retired", "disabled", "benefits", "other"];

    public static readonly IReadOnlyList<string> SupportNetwork = ["strong", "some", "none"];

    public static readonly IReadOnlyList<string> ActivityKinds = ["twelve_step", "smart_recovery", "alumni_mentorship", "alumni_coaching", "other"];

    public static string OneOf(IEnumerable<string> values) => string.Join(", ", values);
}
