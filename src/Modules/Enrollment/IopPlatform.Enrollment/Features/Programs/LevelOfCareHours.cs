namespace IopPlatform.Enrollment.Features.Programs;

/// <summary>
/// The minimum structured hours a week a level of care requires, used when a program names none. ASAM Criteria
/// (3rd edition 2013; 4th edition 2023 keeps both levels' minimums): level 2.1 intensive outpatient ≥ 9 h adults,
/// ≥ 6 h adolescents; level 2.5 partial hospitalisation (4th edition: high-intensity outpatient) ≥ 20 h. Any other
/// level has no default here: the program must say its hours, so none silently inherits the 2.1 numbers.
/// </summary>
internal static class LevelOfCareHours
{
    private static readonly Dictionary<string, (decimal Adult, decimal Adolescent)> Minimums = new(StringComparer.Ordinal)
    {
        ["asam-3:2.1"] = (9m, 6m),
        ["asam-4:2.1"] = (9m, 6m),
        ["asam-3:2.5"] = (20m, 20m),
        ["asam-4:2.5"] = (20m, 20m),
    };

    /// <summary>The level's minimum weekly hours, or null when this release knows no default for it.</summary>
    public static (decimal Adult, decimal Adolescent)? For(string? levelOfCare) =>
        levelOfCare is not null && Minimums.TryGetValue(levelOfCare, out var hours) ? hours : null;

    public static string Known => string.Join(", ", Minimums.Keys);

    /// <summary>Adds "required when the level has no default" to a program body's two hour fields.</summary>
    public static void RequireWhenNoDefault<T>(AbstractValidator<T> validator, Func<T, string?> level, Func<T, decimal?> adult, Func<T, decimal?> adolescent)
    {
        validator.RuleFor(x => adult(x)).NotNull().When(x => For(level(x)) is null)
            .WithMessage(x => $"requiredHoursPerWeekAdult is required for level of care '{level(x)}': weekly hours default only for {Known}.")
            .OverridePropertyName("requiredHoursPerWeekAdult");
        validator.RuleFor(x => adolescent(x)).NotNull().When(x => For(level(x)) is null)
            .WithMessage(x => $"requiredHoursPerWeekAdolescent is required for level of care '{level(x)}': weekly hours default only for {Known}.")
            .OverridePropertyName("requiredHoursPerWeekAdolescent");
    }
}
