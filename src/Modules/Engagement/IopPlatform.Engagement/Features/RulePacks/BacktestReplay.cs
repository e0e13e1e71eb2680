using System.Globalization;
using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Engagement.Features.Flags;

namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>Alerts and flags a backtest of a rule pack would have raised, in total.</summary>
internal sealed record BacktestCountsDto
{
    /// <summary>Outreach tasks (info) raised: one per unexcused no-show.</summary>
    public required int Info { get; init; }

    /// <summary>Dropout-risk alerts raised amber.</summary>
    public required int Amber { get; init; }

    /// <summary>Dropout-risk alerts raised red.</summary>
    public required int Red { get; init; }

    /// <summary>Open amber alerts later raised to red.</summary>
    public required int SeverityRaises { get; init; }

    /// <summary>Clinical and program flags raised (review list).</summary>
    public required int Flags { get; init; }

    /// <summary>Open dropout-risk alerts that resolved themselves when the patient attended again.</summary>
    public required int ResolvedByReturn { get; init; }
}

/// <summary>What one rule would have raised.</summary>
internal sealed record BacktestRuleDto
{
    /// <summary>The rule code (an alert's or a flag's <c>rule</c>).</summary>
    public required string Rule { get; init; }

    /// <summary>The counts of this rule.</summary>
    public required BacktestCountsDto Counts { get; init; }
}

/// <summary>What the pack would have raised in one ISO week (Monday to Sunday, the site's calendar).</summary>
internal sealed record BacktestWeekDto
{
    /// <summary>The week's Monday.</summary>
    public required DateOnly WeekStart { get; init; }

    /// <summary>ISO week, e.g. 2026-W10.</summary>
    public required string IsoWeek { get; init; }

    /// <summary>The week's counts.</summary>
    public required BacktestCountsDto Counts { get; init; }

    /// <summary>The week's counts by rule (rules that raised something).</summary>
    public required IReadOnlyList<BacktestRuleDto> ByRule { get; init; }
}

/// <summary>One thing the pack would have done on one evening.</summary>
internal sealed record BacktestEventDto
{
    /// <summary>The site-local day of the evaluation.</summary>
    public required DateOnly Day { get; init; }

    /// <summary>alert_raised, severity_raised, flag_raised or resolved_by_return.</summary>
    public required string Kind { get; init; }

    /// <summary>The rule.</summary>
    public required string Rule { get; init; }

    /// <summary>Severity (alerts), null for flags.</summary>
    public string? Severity { get; init; }
}

/// <summary>What the pack would have raised for one enrollment.</summary>
internal sealed record BacktestEnrollmentDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Its patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Its counts.</summary>
    public required BacktestCountsDto Counts { get; init; }

    /// <summary>Each alert, severity raise, flag and return, in order.</summary>
    public required IReadOnlyList<BacktestEventDto> Events { get; init; }
}

/// <summary>The result of replaying a proposed pack over a program's recorded history.</summary>
internal sealed record RulePackBacktestDto
{
    /// <summary>The program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>First site-local day evaluated.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Last site-local day evaluated.</summary>
    public required DateOnly To { get; init; }

    /// <summary>Enrollment-evenings evaluated within [from, to].</summary>
    public required int EnrollmentDays { get; init; }

    /// <summary>Everything the pack would have raised.</summary>
    public required BacktestCountsDto Totals { get; init; }

    /// <summary>By rule (rules that raised something).</summary>
    public required IReadOnlyList<BacktestRuleDto> ByRule { get; init; }

    /// <summary>By ISO week, every week of the period.</summary>
    public required IReadOnlyList<BacktestWeekDto> ByWeek { get; init; }

    /// <summary>The enrollments something was raised for.</summary>
    public required IReadOnlyList<BacktestEnrollmentDto> Enrollments { get; init; }
}

/// <summary>
/// The state the drift job keeps in its tables (open dropout alerts, tasked no-shows, open flags), held in memory while a
/// backtest replays evenings: <see cref="DriftChangePlanner.Plan"/> decides against it exactly as against the database,
/// and its changes are applied here as <see cref="DriftChangePlanner.WriteAsync"/> writes them (merge as
/// <see cref="AlertStore.Merged"/>, "already handled" as <see cref="AlertStore.Covers"/>). Nothing is written.
/// </summary>
internal sealed class BacktestReplay
{
    public const string AlertRaised = "alert_raised";
    public const string SeverityRaised = "severity_raised";
    public const string FlagRaised = "flag_raised";
    public const string ResolvedByReturn = "resolved_by_return";

    private readonly Dictionary<string, AlertRow> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<(Guid EnrollmentId, string Rule), AlertRow> _lastResolved = [];
    private readonly HashSet<(Guid EnrollmentId, Guid SessionId)> _tasked = [];
    private readonly Dictionary<(Guid EnrollmentId, string Rule), FlagRow> _flags = [];
    private readonly List<(Guid EnrollmentId, Guid PatientId, BacktestEventDto Event)> _events = [];

    public DriftState State => new(_open, _tasked, _flags.Values.ToLookup(f => f.EnrollmentId));

    /// <summary>Applies one evening's changes; <paramref name="counted"/> false while warming up before the period.</summary>
    public void Apply(IEnumerable<DriftChanges> plan, DateOnly day, DateTimeOffset now, bool counted)
    {
        foreach (var changes in plan)
        {
            foreach (var (alert, _) in changes.Returns)
            {
                _open.Remove(DriftChangePlanner.DropoutKey(alert.EnrollmentId));
                _lastResolved[(alert.EnrollmentId, alert.RuleCode)] = alert;
                Record(counted, alert.EnrollmentId, alert.PatientId, day, ResolvedByReturn, alert.RuleCode, alert.Severity);
            }
            foreach (var draft in changes.Drafts)
            {
                Raise(draft, day, now, counted);
            }
            foreach (var (draft, open) in changes.Flags)
            {
                if (open is null)
                {
                    Record(counted, draft.EnrollmentId, draft.PatientId, day, FlagRaised, draft.Rule, null);
                }
                _flags[(draft.EnrollmentId, draft.Rule)] = new FlagRow
                {
                    Id = open?.Id ?? Guid.CreateVersion7(),
                    EnrollmentId = draft.EnrollmentId,
                    PatientId = draft.PatientId,
                    ProgramId = draft.ProgramId,
                    RuleCode = draft.Rule,
                    Status = ClinicalFlagStore.Open,
                    Evidence = AlertStore.ToJson(draft.Evidence),
                    RaisedAt = open?.RaisedAt ?? now,
                    UpdatedAt = now,
                };
            }
            foreach (var open in changes.Clears)
            {
                _flags.Remove((open.EnrollmentId, open.RuleCode));
            }
        }
    }

    public RulePackBacktestDto Result(Guid programId, DateOnly from, DateOnly to, int enrollmentDays)
    {
        var events = _events.OrderBy(e => e.Event.Day).ToList();
        var weeks = new List<BacktestWeekDto>();
        for (var monday = WeekStart(from); monday <= to; monday = monday.AddDays(7))
        {
            var start = monday;
            var week = events.Where(e => WeekStart(e.Event.Day) == start).Select(e => e.Event).ToList();
            weeks.Add(new BacktestWeekDto
            {
                WeekStart = start,
                IsoWeek = $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):D2}",
                Counts = Count(week),
                ByRule = ByRule(week),
            });
        }
        return new RulePackBacktestDto
        {
            ProgramId = programId,
            From = from,
            To = to,
            EnrollmentDays = enrollmentDays,
            Totals = Count(events.Select(e => e.Event).ToList()),
            ByRule = ByRule(events.Select(e => e.Event).ToList()),
            ByWeek = weeks,
            Enrollments = events.GroupBy(e => (e.EnrollmentId, e.PatientId)).Select(g => new BacktestEnrollmentDto
            {
                EnrollmentId = g.Key.EnrollmentId,
                PatientId = g.Key.PatientId,
                Counts = Count(g.Select(e => e.Event).ToList()),
                Events = g.Select(e => e.Event).ToList(),
            }).OrderBy(e => e.EnrollmentId).ToList(),
        };
    }

    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private void Raise(AlertDraft draft, DateOnly day, DateTimeOffset now, bool counted)
    {
        if (_open.TryGetValue(draft.OpenKey, out var open))
        {
            if (AlertStore.MergeChangesNothing(open.Severity, open.Flags, open.Evidence, draft))
            {
                return;
            }
            var (severity, flags, evidence, _) = AlertStore.Merged(open, draft);
            if (severity != open.Severity)
            {
                Record(counted, open.EnrollmentId, open.PatientId, day, SeverityRaised, open.RuleCode, severity);
            }
            _open[draft.OpenKey] = Row(open.Id, draft with { Rule = open.RuleCode, Severity = severity, Flags = flags, Evidence = evidence }, open.RaisedAt);
            return;
        }
        if (_lastResolved.TryGetValue((draft.EnrollmentId, draft.Rule), out var resolved) && AlertStore.Covers(resolved, draft))
        {
            return;
        }
        _open[draft.OpenKey] = Row(Guid.CreateVersion7(), draft, now);
        if (draft.AlertType == AlertTypes.OutreachTask && draft.SourceId is { } session)
        {
            _tasked.Add((draft.EnrollmentId, session));
        }
        Record(counted, draft.EnrollmentId, draft.PatientId, day, AlertRaised, draft.Rule, draft.Severity);
    }

    private static AlertRow Row(Guid id, AlertDraft draft, DateTimeOffset raisedAt) => new()
    {
        Id = id,
        EnrollmentId = draft.EnrollmentId,
        PatientId = draft.PatientId,
        ProgramId = draft.ProgramId,
        AlertType = draft.AlertType,
        RuleCode = draft.Rule,
        Severity = draft.Severity,
        Status = AlertStatus.Open,
        Flags = AlertStore.ToJson(draft.Flags.Distinct().ToList()),
        Evidence = AlertStore.ToJson(draft.Evidence),
        SourceId = draft.SourceId,
        RaisedAt = raisedAt,
        UpdatedAt = raisedAt,
        OpenKey = draft.OpenKey,
    };

    private void Record(bool counted, Guid enrollmentId, Guid patientId, DateOnly day, string kind, string rule, string? severity)
    {
        if (counted)
        {
            _events.Add((enrollmentId, patientId, new BacktestEventDto { Day = day, Kind = kind, Rule = rule, Severity = severity }));
        }
    }

    private static BacktestCountsDto Count(IReadOnlyList<BacktestEventDto> events) => new()
    {
        Info = events.Count(e => e is { Kind: AlertRaised, Severity: AlertSeverity.Info }),
        Amber = events.Count(e => e is { Kind: AlertRaised, Severity: AlertSeverity.Amber }),
        Red = events.Count(e => e is { Kind: AlertRaised, Severity: AlertSeverity.Red }),
        SeverityRaises = events.Count(e => e.Kind == SeverityRaised),
        Flags = events.Count(e => e.Kind == FlagRaised),
        ResolvedByReturn = events.Count(e => e.Kind == ResolvedByReturn),
    };

    private static List<BacktestRuleDto> ByRule(IReadOnlyList<BacktestEventDto> events) =>
        events.GroupBy(e => e.Rule, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BacktestRuleDto { Rule = g.Key, Counts = Count(g.ToList()) }).ToList();
}
