using MediatR;

namespace IopPlatform.Engagement.Contracts;

/// <summary>
/// Stores the first version of a new program's drift rule pack: Enrollment sends it while creating a program that names a
/// pack, before the program row is written, so a pack that fails validation (a 400 naming <c>rulePack.…</c>) leaves no
/// program behind. Answers the version in force afterwards (1; an earlier identical call leaves it as it was).
/// </summary>
/// <param name="ProgramId">The id the new program will have.</param>
/// <param name="RulePack">The thresholds (bounds as on <c>PUT /programs/{id}/rule-pack</c>).</param>
public sealed record RecordInitialRulePackCommand(Guid ProgramId, DriftRulePack RulePack) : IRequest<int>;

/// <summary>
/// The HCPCS H0015 thresholds a program operates by (its rule pack in force, section <c>belowIntensity</c>): the one
/// source both the weekly-hours billing-risk flag (Scheduling) and the drift job's billing-risk rule read.
/// </summary>
/// <param name="ProgramId">The program; one without a stored pack answers the defaults (3 days, 3 hours a day).</param>
public sealed record GetProgramBillingThresholdsQuery(Guid ProgramId) : IRequest<ProgramBillingThresholds>;

/// <summary>H0015 as a program applies it: at least <paramref name="MinDaysPerWeek"/> attended days a week, each of at least <paramref name="MinHoursPerDay"/> hours.</summary>
/// <param name="MinDaysPerWeek">Attended days a week (default 3).</param>
/// <param name="MinHoursPerDay">Attended hours on each attended day (default 3).</param>
/// <param name="RulePackVersion">The rule-pack version they were read from (0 when the program follows the defaults).</param>
public sealed record ProgramBillingThresholds(int MinDaysPerWeek, decimal MinHoursPerDay, int RulePackVersion);
