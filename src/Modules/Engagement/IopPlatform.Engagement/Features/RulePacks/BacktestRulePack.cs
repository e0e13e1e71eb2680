using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>A proposed rule pack and the site-local days to replay it over.</summary>
/// <param name="RulePack">The proposed thresholds (the whole pack; bounds as on PUT).</param>
/// <param name="From">First day evaluated (site calendar); default 12 weeks before <paramref name="To"/>. At most 26 weeks before it.</param>
/// <param name="To">Last day evaluated; default the latest day whose drift evening has passed at the site.</param>
internal sealed record BacktestRulePackBody(DriftRulePack RulePack, DateOnly? From = null, DateOnly? To = null);

/// <summary>Replays a proposed pack over a program's recorded history; writes nothing but the audit entry.</summary>
internal sealed record BacktestRulePackRequest(Guid ProgramId, BacktestRulePackBody Body) : IRequest<RulePackBacktestDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Attendance;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class BacktestRulePackValidator : AbstractValidator<BacktestRulePackRequest>
{
    public BacktestRulePackValidator()
    {
        RuleFor(x => x.Body.RulePack).Custom((pack, context) => DriftRulePackValidator.Check(pack, context, "rulePack."));
        RuleFor(x => x.Body.To).GreaterThanOrEqualTo(x => x.Body.From).When(x => x.Body.From is not null && x.Body.To is not null)
            .WithMessage("'to' must not be before 'from'.").OverridePropertyName("to");
    }
}

/// <summary>
/// Evaluates the proposed pack as the drift job would have, evening by evening (the site's drift time,
/// <c>Engagement:DriftLocalTime</c>): the same facts reader, the same <see cref="DriftRules.Evaluate"/> and the same
/// <see cref="DriftChangePlanner.Plan"/>, against alerts and flags held in memory (<see cref="BacktestReplay"/>), which
/// start from the six weeks before the period so alerts already open on its first day are known.
/// </summary>
internal sealed class BacktestRulePackHandler(IMediator mediator, DriftFactsReader reader, DriftSchedule schedule, TimeProvider clock, IAuditScope audit)
    : IRequestHandler<BacktestRulePackRequest, RulePackBacktestDto>
{
    /// <summary>Default period.</summary>
    public const int DefaultWeeks = 12;

    /// <summary>Longest period.</summary>
    public const int MaxWeeks = 26;

    public async Task<RulePackBacktestDto> Handle(BacktestRulePackRequest request, CancellationToken cancellationToken)
    {
        var program = await reader.UsePackAsync(request.ProgramId, request.Body.RulePack, cancellationToken)
            ?? throw new NotFoundException("Program", request.ProgramId);
        var latest = schedule.DueDay(clock.GetUtcNow(), program.Zone);
        var to = request.Body.To ?? latest;
        if (to > latest)
        {
            throw new BadRequestException("to", $"The drift evening of {to:yyyy-MM-dd} has not passed at the program's site; the latest day is {latest:yyyy-MM-dd}.");
        }
        var from = request.Body.From ?? to.AddDays(-(7 * DefaultWeeks) + 1);
        if (to.DayNumber - from.DayNumber >= 7 * MaxWeeks)
        {
            throw new BadRequestException("from", $"A backtest covers at most {MaxWeeks} weeks: 'from' must be on or after {to.AddDays(-(7 * MaxWeeks) + 1):yyyy-MM-dd}.");
        }

        var warmFrom = from.AddDays(-DriftRules.HistoryDays);
        var episodes = (await mediator.Send(new GetProgramEpisodesQuery(request.ProgramId, null, to), cancellationToken))
            .Where(e => e.DischargeDate is null || e.DischargeDate > warmFrom)
            .ToList();
        var summaries = new List<EnrollmentSummary>();
        foreach (var episode in episodes)
        {
            if (await mediator.Send(new GetEnrollmentSummaryQuery(episode.EnrollmentId), cancellationToken) is { } summary)
            {
                summaries.Add(summary);
            }
        }

        var replay = new BacktestReplay();
        var enrollmentDays = 0;
        for (var day = warmFrom; day <= to; day = day.AddDays(1))
        {
            // Who the job would have evaluated that evening: admitted by then and not yet discharged (holds are not in
            // the history Enrollment exposes; sessions on hold have no attendance and do not count anyway).
            var active = summaries
                .Where(s => s.AdmissionDate <= day && (s.DischargeDate is null || s.DischargeDate > day))
                .Select(s => s with { Status = EnrollmentStatus.Active })
                .ToList();
            if (active.Count == 0)
            {
                continue;
            }
            var now = Evening(day, program.Zone);
            var cases = await reader.ReadAsync(active, now, cancellationToken);
            var evaluated = cases.Select(c => (Case: c, Verdict: DriftRules.Evaluate(c.Program.RulePack, c.Facts, now))).ToList();
            replay.Apply(DriftChangePlanner.Plan(evaluated, replay.State, now), day, now, counted: day >= from);
            if (day >= from)
            {
                enrollmentDays += evaluated.Count;
                foreach (var item in evaluated)
                {
                    audit.TouchedPatient(item.Case.Enrollment.PatientId);
                }
            }
        }
        return replay.Result(request.ProgramId, from, to, enrollmentDays);
    }

    /// <summary>The instant the drift job evaluates a site's day: its drift time there (a time skipped by a DST change moves an hour on).</summary>
    private DateTimeOffset Evening(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(schedule.LocalTime);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}

internal static class BacktestRulePackEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/programs/{programId:guid}/rule-pack/backtest", (Guid programId, BacktestRulePackBody body, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new BacktestRulePackRequest(programId, body), ct))
            .RequireRoles(RulePackPrograms.Writers)
            .WithName("BacktestRulePack")
            .WithSummary("Try a proposed drift rule pack on the program's recorded history (supervisor, admin)")
            .WithDescription("Replays the proposed pack over the period (default the last 12 weeks, at most 26) as the drift job would have run it each " +
                             "evening at the site (Engagement:DriftLocalTime), with the same rules and the same alert lifecycle (one open dropout alert per " +
                             "enrollment, resolved by return, one outreach task per no-show, flags raised and cleared), and answers how many alerts (by " +
                             "severity) and flags it would have raised, by rule, by ISO week and by enrollment. Writes no alert, flag or task. Attendance, " +
                             "drug tests and BAM are read as recorded now; holds are not replayed. Reads patients' attendance: audited.")
            .Accepts<BacktestRulePackBody>("application/json")
            .Produces<RulePackBacktestDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
