using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Flags;

namespace IopPlatform.Engagement.Features.Drift;

/// <summary>What one enrollment's evaluation changes: alerts resolved by return, alerts raised or merged, flags raised, refreshed or cleared.</summary>
internal sealed class DriftChanges(Guid enrollmentId)
{
    public Guid EnrollmentId { get; } = enrollmentId;

    public List<(AlertRow Alert, AlertDraft Evaluation)> Returns { get; } = [];

    public List<AlertDraft> Drafts { get; } = [];

    public List<(FlagDraft Draft, FlagRow? Open)> Flags { get; } = [];

    public List<FlagRow> Clears { get; } = [];

    public bool IsEmpty => Returns.Count == 0 && Drafts.Count == 0 && Flags.Count == 0 && Clears.Count == 0;
}

/// <summary>What the drift rules' changes depend on: the open dropout alerts by open key, the no-shows already tasked, the open flags by enrollment.</summary>
internal sealed record DriftState(
    IReadOnlyDictionary<string, AlertRow> OpenAlerts,
    IReadOnlySet<(Guid EnrollmentId, Guid SessionId)> Tasked,
    ILookup<Guid, FlagRow> OpenFlags);

/// <summary>
/// Turns a batch's verdicts into changes after one read each of the batch's open dropout alerts, outreach tasks and open
/// flags, so verdicts the database already holds cost no transaction; and writes the changes.
/// </summary>
internal static class DriftChangePlanner
{
    /// <summary>No-shows older than this get no outreach task from the drift job (the task would come too late to help).</summary>
    public const int OutreachLookbackDays = 7;

    private const string Actor = "system:drift-job";

    public static async Task<List<DriftChanges>> PlanAsync(DbConnection connection, IReadOnlyList<(DriftCase Case, DriftVerdict Verdict)> evaluated, DateTimeOffset now, CancellationToken ct)
    {
        var ids = evaluated.Select(e => e.Case.Enrollment.EnrollmentId).ToList();
        var state = new DriftState(
            await AlertStore.OpenByKeysAsync(connection, ids.Select(DropoutKey).ToList(), ct),
            await NoShowOutreach.TaskedAsync(connection, ids, ct),
            (await ClinicalFlagStore.OpenOfAsync(connection, ids, ct)).ToLookup(f => f.EnrollmentId));
        return Plan(evaluated, state, now);
    }

    /// <summary>
    /// The changes the verdicts make to <paramref name="state"/>: what the database holds for the drift job, or what the
    /// backtest's replay holds, so both decide with this one code.
    /// </summary>
    public static List<DriftChanges> Plan(IReadOnlyList<(DriftCase Case, DriftVerdict Verdict)> evaluated, DriftState state, DateTimeOffset now)
    {
        var (openAlerts, tasked, openFlags) = (state.OpenAlerts, state.Tasked, state.OpenFlags);
        var plan = new List<DriftChanges>();
        foreach (var (item, verdict) in evaluated)
        {
            var e = item.Enrollment;
            var changes = new DriftChanges(e.EnrollmentId);
            var open = openAlerts.GetValueOrDefault(DropoutKey(e.EnrollmentId));
            if (open is not null && ReturnAfter(open, item.Facts, now) is { } back)
            {
                changes.Returns.Add((open, ReturnEvaluation(item, open, back)));
                open = null;
            }
            if (verdict.Attendance is { } attendance)
            {
                var draft = DriftScanHandler.Draft(item, attendance);
                if (open is null || !AlertStore.MergeChangesNothing(open.Severity, open.Flags, open.Evidence, draft))
                {
                    changes.Drafts.Add(draft);
                }
            }
            if (item.Program.RulePack.NoShowOutreach.Enabled)
            {
                changes.Drafts.AddRange(DriftRules.Counted(item.Facts.Sessions, now)
                    .Where(s => DriftRules.IsMissed(s.Status) && s.EndsAt >= now.AddDays(-OutreachLookbackDays) && !tasked.Contains((e.EnrollmentId, s.SessionId)))
                    .Select(s => NoShowOutreach.Draft(e.EnrollmentId, e.PatientId, e.ProgramId, s.SessionId, s.StartsAt, item.CareTeam, item.Program.RulePack.NoShowOutreach, now)));
            }
            var flagsOpen = openFlags[e.EnrollmentId].ToDictionary(f => f.RuleCode, StringComparer.Ordinal);
            foreach (var flag in verdict.Flags)
            {
                var draft = new FlagDraft(e.EnrollmentId, e.PatientId, e.ProgramId, flag.Rule, flag.Basis, AlertStore.ToJson(flag.Inputs), flag.Evidence);
                var held = flagsOpen.GetValueOrDefault(flag.Rule);
                if (held is null || !ClinicalFlagStore.Holds(held, draft))
                {
                    changes.Flags.Add((draft, held));
                }
            }
            changes.Clears.AddRange(flagsOpen.Values.Where(f => verdict.Flags.All(v => v.Rule != f.RuleCode)));
            if (!changes.IsEmpty)
            {
                plan.Add(changes);
            }
        }
        return plan;
    }

    /// <summary>All changes in the caller's transaction; answers (raised, updated, resolved by return).</summary>
    public static async Task<(int Raised, int Updated, int Returned)> WriteAsync(
        DbConnection connection, DbTransaction tx, ISqlDialect dialect, IEnumerable<DriftChanges> plan, DateTimeOffset now, CancellationToken ct)
    {
        int raised = 0, updated = 0, returned = 0;
        foreach (var changes in plan)
        {
            foreach (var (alert, evaluation) in changes.Returns)
            {
                returned += await AlertStore.ResolveAsync(connection, tx, alert, AlertResolutions.ResolvedByReturn, Actor, now, ct, evaluation) ? 1 : 0;
            }
            foreach (var draft in changes.Drafts)
            {
                var (outcome, _) = await AlertStore.RaiseAsync(connection, tx, dialect, draft, now, Actor, ct);
                raised += outcome == RaiseOutcome.Created ? 1 : 0;
                updated += outcome == RaiseOutcome.Updated ? 1 : 0;
            }
            foreach (var (draft, open) in changes.Flags)
            {
                await ClinicalFlagStore.RaiseAsync(connection, tx, dialect, draft, open, now, ct);
            }
            foreach (var open in changes.Clears)
            {
                await ClinicalFlagStore.ClearAsync(connection, tx, open, now, ct);
            }
        }
        return (raised, updated, returned);
    }

    public static string DropoutKey(Guid enrollmentId) => AlertStore.OpenKey(enrollmentId, DriftRuleCodes.DropoutRisk);

    /// <summary>The first attended session after every session the open alert rests on: the patient is back.</summary>
    private static SessionFact? ReturnAfter(AlertRow open, DriftFacts facts, DateTimeOffset now)
    {
        var rests = AlertStore.ReadEvidence(open.Evidence).Where(e => e.Kind == "session" && e.At is not null).Select(e => e.At!.Value).DefaultIfEmpty(open.RaisedAt).Max();
        return DriftRules.Counted(facts.Sessions, now).FirstOrDefault(s => DriftRules.IsAttended(s.Status) && s.StartsAt > rests);
    }

    private static AlertDraft ReturnEvaluation(DriftCase item, AlertRow open, SessionFact back) => new()
    {
        EnrollmentId = open.EnrollmentId,
        PatientId = open.PatientId,
        ProgramId = open.ProgramId,
        AlertType = open.AlertType,
        Rule = open.RuleCode,
        Severity = open.Severity,
        Basis = "When the patient attends again the attendance signal has cleared; the alert resolves itself (resolved_by_return) so a later drift raises a new alert.",
        InputsJson = AlertStore.ToJson(new { attendedSessionId = back.SessionId, attendedAt = back.StartsAt, status = back.Status }),
        Evidence = [new AlertEvidence { Kind = "session", Id = back.SessionId, At = back.StartsAt, Detail = $"{back.Status} ({back.Minutes} min)" }],
        CaseManager = item.CareTeam?.CaseManager,
        Supervisor = item.CareTeam?.Supervisor,
    };
}
