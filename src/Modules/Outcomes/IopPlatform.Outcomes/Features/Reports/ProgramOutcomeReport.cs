using System.Globalization;
using System.Text;
using System.Text.Json;
using IopPlatform.Outcomes.Features.DrugTests;
using IopPlatform.Outcomes.Features.Measures;
using IopPlatform.Outcomes.Features.Milestones;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.Outcomes.Features.Reports;

/// <summary>A program's outcomes over the enrollments admitted between <c>From</c> and <c>To</c> (admission dates, both optional, inclusive).</summary>
internal sealed record GetProgramOutcomeReportQuery(Guid ProgramId, DateOnly? From, DateOnly? To) : IRequest<ProgramOutcomeReportDto>;

internal sealed class GetProgramOutcomeReportValidator : AbstractValidator<GetProgramOutcomeReportQuery>
{
    public GetProgramOutcomeReportValidator() =>
        RuleFor(x => x.To).Must((q, to) => q.From is null || to is null || q.From <= to).WithMessage("'to' must not be before 'from'.");
}

/// <summary>What the report needs of one enrollment, gathered set-based from Enrollment, Scheduling and this module.</summary>
internal sealed record EpisodeFacts(ProgramEpisodeDto Episode, int AttendedMinutes, bool Abstinent30Days, bool? ReliablyImproved);

/// <summary>
/// The report's arithmetic, pure. Definitions (the Outcomes README names the figures; these pin them down):
/// retention at day N counts enrollments whose day N has come (admission date + N ≤ report date) and keeps those not
/// discharged before it, except by completing; length of stay is discharge date − admission date in days; hours per
/// week are attended hours over the weeks from admission to discharge (or the report date), counted inclusively and
/// at least one, averaged over enrollments; abstinence is milestone 1 as of discharge (or now); reliable improvement
/// needs a baseline and a later score of PHQ-9 (drop ≥ 5) or GAD-7 (drop ≥ 4), the latest score deciding.
/// The abstinent share is over the episodes observed at least 30 days (discharge date, or the report date, minus the
/// admission date): a shorter episode cannot show 30 days and would only dilute it. Completion and dropout rates are
/// over discharges (the TEDS discharge-based measure; SAMHSA TEDS-D reports completion and dropout as shares of
/// discharges), never over admissions that are still in treatment.
/// </summary>
internal static class OutcomeReportMath
{
    public static readonly IReadOnlyList<int> RetentionDays = [30, 60, 90];

    public const string Completed = "completed";
    public const string LeftBeforeCompletion = "left_before_completion";

    /// <summary>Days an episode must have been observed for its abstinence to count in the share (milestone 1's window).</summary>
    public const int AbstinenceWindowDays = 30;

    /// <summary>Every discharge reason, as Enrollment names them (TEDS order).</summary>
    public static readonly IReadOnlyList<string> DischargeReasons =
        Enum.GetValues<DischargeReason>().Select(r => JsonNamingPolicy.SnakeCaseLower.ConvertName(r.ToString())).ToList();

    public static OutcomeFiguresDto Figures(string groupBy, string key, IReadOnlyList<EpisodeFacts> facts, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var completers = facts.Where(f => f.Episode.DischargeReason == Completed).ToList();
        var dropouts = facts.Where(f => f.Episode.DischargeReason == LeftBeforeCompletion).ToList();
        var discharged = facts.Count(f => f.Episode.DischargeDate is not null);
        var observed = facts.Where(f => ObservedDays(f.Episode, today) >= AbstinenceWindowDays).ToList();
        var abstinent = observed.Count(f => f.Abstinent30Days);
        var followUp = facts.Where(f => f.ReliablyImproved is not null).ToList();
        var improved = followUp.Count(f => f.ReliablyImproved == true);
        return new OutcomeFiguresDto
        {
            GroupBy = groupBy,
            Key = key,
            Admitted = facts.Count,
            Active = facts.Count(f => f.Episode.Status is "active" or "on_hold"),
            Completed = completers.Count,
            DroppedOut = dropouts.Count,
            OtherDischarges = discharged - completers.Count - dropouts.Count,
            Retention = RetentionDays.Select(day => Retention(day, facts, today)).ToList(),
            MedianLengthOfStayCompleted = Median(completers.Select(f => LengthOfStay(f.Episode))),
            MedianLengthOfStayDroppedOut = Median(dropouts.Select(f => LengthOfStay(f.Episode))),
            MeanAttendedHoursPerWeek = facts.Count == 0 ? null : Math.Round(facts.Average(f => HoursPerWeek(f, today)), 2, MidpointRounding.AwayFromZero),
            ObservedAtLeast30Days = observed.Count,
            Abstinent30Days = abstinent,
            Abstinent30DaysShare = Share(abstinent, observed.Count),
            Discharged = discharged,
            CompletionRate = Share(completers.Count, discharged),
            DropoutRate = Share(dropouts.Count, discharged),
            LengthOfStayByDischargeReason = DischargeReasons.Select(reason =>
            {
                var stays = facts.Where(f => f.Episode.DischargeDate is not null && f.Episode.DischargeReason == reason).Select(f => LengthOfStay(f.Episode)).ToList();
                return new LengthOfStayByReasonDto { Reason = reason, Discharges = stays.Count, MedianDays = Median(stays) };
            }).ToList(),
            WithFollowUpScore = followUp.Count,
            ReliablyImproved = improved,
            ReliablyImprovedShare = Share(improved, followUp.Count),
        };
    }

    private static RetentionDto Retention(int day, IReadOnlyList<EpisodeFacts> facts, DateOnly today)
    {
        var eligible = facts.Where(f => f.Episode.AdmissionDate.AddDays(day) <= today).ToList();
        var retained = eligible.Count(f => f.Episode.DischargeDate is not { } d || d >= f.Episode.AdmissionDate.AddDays(day) || f.Episode.DischargeReason == Completed);
        return new RetentionDto { Day = day, Eligible = eligible.Count, Retained = retained, Rate = Share(retained, eligible.Count) };
    }

    private static int LengthOfStay(ProgramEpisodeDto e) => e.DischargeDate!.Value.DayNumber - e.AdmissionDate.DayNumber;

    private static int ObservedDays(ProgramEpisodeDto e, DateOnly today) => (e.DischargeDate ?? today).DayNumber - e.AdmissionDate.DayNumber;

    private static decimal HoursPerWeek(EpisodeFacts f, DateOnly today)
    {
        var end = f.Episode.DischargeDate ?? today;
        var days = Math.Max(1, end.DayNumber - f.Episode.AdmissionDate.DayNumber + 1);
        var weeks = Math.Max(1m, days / 7m);
        return f.AttendedMinutes / 60m / weeks;
    }

    public static decimal? Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2m;
    }

    public static decimal? Share(int count, int of) => of == 0 ? null : Math.Round((decimal)count / of, 4, MidpointRounding.AwayFromZero);

    public static string Csv(ProgramOutcomeReportDto report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.Append("group_by,key,admitted,active,completed,dropped_out,other_discharges");
        foreach (var day in RetentionDays)
        {
            csv.Append(CultureInfo.InvariantCulture, $",retention_{day}_eligible,retention_{day}_retained,retention_{day}_rate");
        }
        csv.Append(",median_los_completed,median_los_dropped_out,mean_attended_hours_per_week,abstinent_30_days,abstinent_30_days_share,with_follow_up_score,reliably_improved,reliably_improved_share");
        csv.Append(",observed_30_days,discharged,completion_rate,dropout_rate");
        foreach (var reason in DischargeReasons)
        {
            csv.Append(CultureInfo.InvariantCulture, $",discharges_{reason},median_los_{reason}");
        }
        csv.Append("\r\n");
        foreach (var g in new[] { report.Program }.Concat(report.BySite).Concat(report.ByAdmissionMonth))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{g.GroupBy},{g.Key},{g.Admitted},{g.Active},{g.Completed},{g.DroppedOut},{g.OtherDischarges}");
            foreach (var r in g.Retention)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{r.Eligible},{r.Retained},{Number(r.Rate)}");
            }
            csv.Append(CultureInfo.InvariantCulture, $",{Number(g.MedianLengthOfStayCompleted)},{Number(g.MedianLengthOfStayDroppedOut)},{Number(g.MeanAttendedHoursPerWeek)}");
            csv.Append(CultureInfo.InvariantCulture, $",{g.Abstinent30Days},{Number(g.Abstinent30DaysShare)},{g.WithFollowUpScore},{g.ReliablyImproved},{Number(g.ReliablyImprovedShare)}");
            csv.Append(CultureInfo.InvariantCulture, $",{g.ObservedAtLeast30Days},{g.Discharged},{Number(g.CompletionRate)},{Number(g.DropoutRate)}");
            foreach (var los in g.LengthOfStayByDischargeReason)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{los.Discharges},{Number(los.MedianDays)}");
            }
            csv.Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
}

internal sealed class GetProgramOutcomeReportHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock)
    : IRequestHandler<GetProgramOutcomeReportQuery, ProgramOutcomeReportDto>
{
    private sealed class TestRow
    {
        public Guid Id { get; init; }

        public Guid EnrollmentId { get; init; }

        public DateTimeOffset CollectedAt { get; init; }

        public string Overall { get; init; } = string.Empty;
    }

    private sealed class MeasureFactRow
    {
        public Guid Id { get; init; }

        public Guid EnrollmentId { get; init; }

        public string Instrument { get; init; } = string.Empty;

        public DateTimeOffset AdministeredAt { get; init; }

        public int? Total { get; init; }

        public int? BamUse { get; init; }
    }

    public async Task<ProgramOutcomeReportDto> Handle(GetProgramOutcomeReportQuery request, CancellationToken cancellationToken)
    {
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var episodes = await mediator.Send(new GetProgramEpisodesQuery(request.ProgramId, request.From, request.To), cancellationToken);
        var facts = await FactsAsync(episodes, now, cancellationToken);

        var program = OutcomeReportMath.Figures("program", request.ProgramId.ToString(), facts, today);
        var bySite = facts.GroupBy(f => f.Episode.SiteId).OrderBy(g => g.Key)
            .Select(g => OutcomeReportMath.Figures("site", g.Key.ToString(), g.ToList(), today)).ToList();
        var byMonth = facts.GroupBy(f => f.Episode.AdmissionDate.ToString("yyyy-MM", CultureInfo.InvariantCulture)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => OutcomeReportMath.Figures("admission_month", g.Key, g.ToList(), today)).ToList();
        return new ProgramOutcomeReportDto
        {
            ProgramId = request.ProgramId,
            From = request.From,
            To = request.To,
            GeneratedAt = now,
            Program = program,
            BySite = bySite,
            ByAdmissionMonth = byMonth,
        };
    }

    private async Task<List<EpisodeFacts>> FactsAsync(IReadOnlyList<ProgramEpisodeDto> episodes, DateTimeOffset now, CancellationToken ct)
    {
        if (episodes.Count == 0)
        {
            return [];
        }
        var ids = episodes.Select(e => e.EnrollmentId).ToList();
        var earliest = new DateTimeOffset(episodes.Min(e => e.AdmissionDate).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        // Asked before this module opens its connection: on SQLite each module's connection competes for the one writer.
        var attendance = (await mediator.Send(new GetAttendanceHistoryQuery(ids, earliest, now), ct))
            .GroupBy(a => a.EnrollmentId)
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Minutes));

        var tests = new List<TestRow>();
        var measures = new List<MeasureFactRow>();
        await using (var connection = await db.OpenAsync(ct))
        {
            foreach (var chunk in ids.Chunk(SqlList.ChunkSize))
            {
                var parameters = new DynamicParameters();
                var inTests = SqlList.In("t.enrollment_id", chunk, "Id", parameters);
                tests.AddRange(await connection.QueryAsync<TestRow>(new CommandDefinition(
                    $"SELECT t.id, t.enrollment_id AS EnrollmentId, v.collected_at AS CollectedAt, v.overall_result AS Overall {DrugTestRow.FromCurrent} WHERE {inTests}",
                    parameters, cancellationToken: ct)));
                var measureParameters = new DynamicParameters();
                measureParameters.Add("Phq9", Instrument.Phq9);
                measureParameters.Add("Gad7", Instrument.Gad7);
                measureParameters.Add("Bam", Instrument.Bam);
                var inMeasures = SqlList.In("enrollment_id", chunk, "Id", measureParameters);
                measures.AddRange(await connection.QueryAsync<MeasureFactRow>(new CommandDefinition(
                    $"""
                    SELECT id, enrollment_id AS EnrollmentId, instrument, administered_at AS AdministeredAt, total, bam_use AS BamUse
                    FROM outcomes_measure WHERE {inMeasures} AND instrument IN (@Phq9, @Gad7, @Bam)
                    """,
                    measureParameters, cancellationToken: ct)));
            }
        }
        var testsBy = tests.ToLookup(t => t.EnrollmentId);
        var measuresBy = measures.ToLookup(m => m.EnrollmentId);
        return episodes.Select(e =>
        {
            var asOf = e.DischargedAt is { } discharged && discharged < now ? discharged : now;
            var abstinence = MilestoneRules.SustainedAbstinence(
                asOf,
                e.AdmittedAt,
                testsBy[e.EnrollmentId].Select(t => new TestFact(t.Id, t.CollectedAt, t.Overall)).ToList(),
                measuresBy[e.EnrollmentId].Where(m => m.Instrument == Instrument.Bam && m.BamUse >= 1)
                    .Select(m => new UseReportFact(m.Id, m.AdministeredAt, $"BAM use subscale {m.BamUse}")).ToList());
            return new EpisodeFacts(e, attendance.GetValueOrDefault(e.EnrollmentId), abstinence.Met, Improvement(measuresBy[e.EnrollmentId]));
        }).ToList();
    }

    /// <summary>Null without a baseline and a later score on either instrument; else whether either improved reliably.</summary>
    private static bool? Improvement(IEnumerable<MeasureFactRow> measures)
    {
        bool? result = null;
        foreach (var instrument in new[] { Instrument.Phq9, Instrument.Gad7 })
        {
            var scores = measures.Where(m => m.Instrument == instrument && m.Total is not null).OrderBy(m => m.AdministeredAt).ThenBy(m => m.Id).ToList();
            if (scores.Count < 2)
            {
                continue;
            }
            var improved = MeasureScoring.ReliableChange(instrument, scores[0].Total!.Value, scores[^1].Total!.Value, isBaseline: false) == MeasureWords.Improved;
            result = result == true || improved;
        }
        return result;
    }
}

internal static class GetProgramOutcomeReportEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs/{programId:guid}/outcome-report", async (Guid programId, HttpRequest request, IMediator mediator, CancellationToken ct, DateOnly? from = null, DateOnly? to = null) =>
            {
                var report = await mediator.Send(new GetProgramOutcomeReportQuery(programId, from, to), ct);
                var wantsCsv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
                return wantsCsv ? Results.Text(OutcomeReportMath.Csv(report), "text/csv", Encoding.UTF8) : Results.Ok(report);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetProgramOutcomeReport")
            .WithSummary("A program's outcome report")
            .WithDescription("Over the enrollments admitted between 'from' and 'to' (admission dates, inclusive, both optional): admitted, active, completed, dropped out, retention at day 30/60/90, median length of stay of completers and dropouts, mean attended hours per week, share with 30 days of abstinence (milestone 1) over the episodes observed at least 30 days (observedAtLeast30Days), completion and dropout rates over discharges (discharged), median length of stay by discharge reason, and share with reliable improvement on PHQ-9/GAD-7 — for the program, by site and by admission month. JSON, or CSV (one row per group) with Accept: text/csv.")
            .Produces<ProgramOutcomeReportDto>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
