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
