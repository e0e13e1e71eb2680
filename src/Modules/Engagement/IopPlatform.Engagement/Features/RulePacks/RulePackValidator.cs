using FluentValidation.Results;

namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>
/// Bounds of each threshold: wide enough for local tuning, narrow enough to catch typos (0.75 vs 75). One validator per
/// rule record, so the OpenAPI document shows each bound on the rule's own schema (minimum/maximum).
/// </summary>
internal sealed class DriftRulePackValidator : AbstractValidator<DriftRulePack>
{
    private static readonly DriftRulePackValidator Instance = new();

    public DriftRulePackValidator()
    {
        RuleFor(x => x.NoShowOutreach).NotNull().SetValidator(new NoShowOutreachRuleValidator());
        RuleFor(x => x.ConsecutiveMissed).NotNull().SetValidator(new ConsecutiveMissedRuleValidator());
        RuleFor(x => x.NoRecentAttendance).NotNull().SetValidator(new NoRecentAttendanceRuleValidator());
        RuleFor(x => x.AttendanceRatio).NotNull().SetValidator(new AttendanceRatioRuleValidator());
        RuleFor(x => x.ClinicalSeverity).NotNull().SetValidator(new ClinicalSeverityRuleValidator());
        RuleFor(x => x.BelowIntensity).NotNull().SetValidator(new BelowIntensityRuleValidator());
        RuleFor(x => x.Bam).NotNull().SetValidator(new BamRuleValidator());
        RuleFor(x => x.LevelOfCare).NotNull().SetValidator(new LevelOfCareRuleValidator());
        RuleFor(x => x.Escalation).NotNull().SetValidator(new EscalationRuleValidator());
    }

    /// <summary>
    /// The pack's failures named from the body's root with <paramref name="prefix"/> (e.g. "rulePack."), for requests
    /// that carry a pack next to other fields or as the whole body.
    /// </summary>
    public static void Check<T>(DriftRulePack? pack, ValidationContext<T> context, string prefix)
    {
        if (pack is null)
        {
            context.AddFailure(new ValidationFailure(prefix.Length > 0 ? prefix.TrimEnd('.') : "rulePack", "A rule pack is required."));
            return;
        }
        foreach (var failure in Instance.Validate(pack).Errors)
        {
            context.AddFailure(new ValidationFailure(prefix + failure.PropertyName, failure.ErrorMessage));
        }
    }
}

internal sealed class NoShowOutreachRuleValidator : AbstractValidator<NoShowOutreachRule>
{
    public NoShowOutreachRuleValidator() => RuleFor(x => x.DueWithinHours).InclusiveBetween(1, 168);
}

internal sealed class ConsecutiveMissedRuleValidator : AbstractValidator<ConsecutiveMissedRule>
{
    public ConsecutiveMissedRuleValidator()
    {
        RuleFor(x => x.Amber).InclusiveBetween(1, 10);
        RuleFor(x => x.Red).InclusiveBetween(2, 10).GreaterThan(x => x.Amber).WithMessage("Red must take more consecutive misses than amber.");
    }
}

internal sealed class NoRecentAttendanceRuleValidator : AbstractValidator<NoRecentAttendanceRule>
{
    public NoRecentAttendanceRuleValidator() => RuleFor(x => x.Sessions).InclusiveBetween(2, 12);
}

internal sealed class AttendanceRatioRuleValidator : AbstractValidator<AttendanceRatioRule>
{
    public AttendanceRatioRuleValidator()
    {
        RuleFor(x => x.WindowDays).InclusiveBetween(7, 42);
        RuleFor(x => x.MinimumRatio).ExclusiveBetween(0m, 1m);
        RuleFor(x => x.MinimumUnexcusedMisses).InclusiveBetween(1, 10);
    }
}

internal sealed class ClinicalSeverityRuleValidator : AbstractValidator<ClinicalSeverityRule>
{
    public ClinicalSeverityRuleValidator() => RuleFor(x => x.DrugTestWindowDays).InclusiveBetween(1, 60);
}

internal sealed class BelowIntensityRuleValidator : AbstractValidator<BelowIntensityRule>
{
    public BelowIntensityRuleValidator()
    {
        RuleFor(x => x.ConsecutiveWeeks).InclusiveBetween(1, 4);
        RuleFor(x => x.BillingMinDaysPerWeek).InclusiveBetween(1, 7);
        RuleFor(x => x.BillingMinHoursPerDay).InclusiveBetween(0.5m, 12m);
    }
}

internal sealed class BamRuleValidator : AbstractValidator<BamRule>
{
    public BamRuleValidator()
    {
        RuleFor(x => x.UseAtLeast).InclusiveBetween(0, 12);
        RuleFor(x => x.RiskAtLeast).InclusiveBetween(0, 24);
        RuleFor(x => x.ProtectiveAtMost).InclusiveBetween(0, 24);
    }
}

internal sealed class LevelOfCareRuleValidator : AbstractValidator<LevelOfCareRule>
{
    public LevelOfCareRuleValidator()
    {
        RuleFor(x => x.Positives).InclusiveBetween(1, 20);
        RuleFor(x => x.WindowDays).InclusiveBetween(7, 90);
    }
}

internal sealed class EscalationRuleValidator : AbstractValidator<EscalationRule>
{
    public EscalationRuleValidator() => RuleFor(x => x.UnacknowledgedHours).InclusiveBetween(1, 168);
}
