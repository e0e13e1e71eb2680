using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.RulePacks;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.Engagement.Features.Drift;

/// <summary>A program's rule pack with its site's zone, looked up once per program per scan.</summary>
internal sealed record ProgramContext(Guid ProgramId, DriftRulePack RulePack, TimeZoneInfo Zone);

/// <summary>One enrollment ready for the rules.</summary>
internal sealed record DriftCase(EnrollmentSummary Enrollment, ProgramContext Program, DriftFacts Facts, CareTeamDto? CareTeam);

/// <summary>
/// Gathers the rules' facts for a page of enrollments with one set-based query per source (attendance, drug tests,
/// BAM, care teams, outreach log), never one query per patient; the whole-population scan brings the attendance from
/// its own single ordered pass. Only reads: callers open write transactions afterwards.
/// </summary>
internal sealed class DriftFactsReader(IMediator mediator, IDbConnectionFactory db)
{
    private const string Outreach = "SELECT enrollment_id AS EnrollmentId, attempted_at AS AttemptedAt FROM engagement_outreach_attempt WHERE attempted_at >= @From AND attempted_at < @To AND ";

    private readonly Dictionary<Guid, ProgramContext?> _programs = [];

    public async Task<ProgramContext?> ProgramAsync(Guid programId, CancellationToken ct)
    {
        if (_programs.TryGetValue(programId, out var known))
        {
            return known;
        }
        ProgramContext? context = null;
        var program = await mediator.Send(new GetProgramQuery(programId), ct);
        if (program is not null)
        {
            var site = await mediator.Send(new GetSiteQuery(program.SiteId), ct);
            var zone = site is not null && TimeZoneInfo.TryFindSystemTimeZoneById(site.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
            context = new ProgramContext(programId, await RulePackStore.InForceAsync(db, programId, ct), zone);
        }
        _programs[programId] = context;
        return context;
    }

    /// <summary>Evaluates <paramref name="programId"/> with <paramref name="pack"/> instead of the pack in force (the backtest); null when the program does not exist.</summary>
    public async Task<ProgramContext?> UsePackAsync(Guid programId, DriftRulePack pack, CancellationToken ct)
    {
        if (await ProgramAsync(programId, ct) is not { } context)
        {
            return null;
        }
        return _programs[programId] = context with { RulePack = pack };
    }

    /// <summary>Facts of the active (admitted, not on hold) enrollments of <paramref name="page"/>.</summary>
    public async Task<IReadOnlyList<DriftCase>> ReadAsync(IReadOnlyList<EnrollmentSummary> page, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(page, ct);
        if (candidates.Count == 0)
        {
            return [];
        }
        var ids = candidates.Select(c => c.Enrollment.EnrollmentId).ToList();
        var history = await mediator.Send(new GetAttendanceHistoryQuery(ids, HistoryFrom(now), HistoryTo(now)), ct);
        return await WithOtherFactsAsync(candidates, history.ToLookup(h => h.EnrollmentId, h => new SessionFact(h.SessionId, h.StartsAt, h.EndsAt, h.Status, h.Minutes)), now, ct);
    }

    /// <summary>
    /// Facts of the active enrollments of <paramref name="page"/> whose attendance the caller already holds (the drift
    /// scan's one ordered pass over <see cref="StreamAttendanceHistoryQuery"/>); the other sources are read here.
    /// </summary>
    public async Task<IReadOnlyList<DriftCase>> ReadAsync(IReadOnlyList<EnrollmentSummary> page, ILookup<Guid, SessionFact> attendance, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(page, ct);
        return candidates.Count == 0 ? [] : await WithOtherFactsAsync(candidates, attendance, now, ct);
    }

    /// <summary>The attendance window the rules read: <see cref="DriftRules.HistoryDays"/> up to now.</summary>
    public static DateTimeOffset HistoryFrom(DateTimeOffset now) => now.AddDays(-DriftRules.HistoryDays);

    /// <summary>Exclusive end of the window: sessions starting up to this second count.</summary>
    public static DateTimeOffset HistoryTo(DateTimeOffset now) => now.AddSeconds(1);

    private async Task<List<(EnrollmentSummary Enrollment, ProgramContext Program)>> CandidatesAsync(IReadOnlyList<EnrollmentSummary> page, CancellationToken ct)
    {
        var candidates = new List<(EnrollmentSummary Enrollment, ProgramContext Program)>();
        foreach (var enrollment in page.Where(e => e.Status == EnrollmentStatus.Active && e.AdmissionDate is not null))
        {
            if (await ProgramAsync(enrollment.ProgramId, ct) is { } program)
            {
                candidates.Add((enrollment, program));
            }
        }
        return candidates;
    }

    private async Task<IReadOnlyList<DriftCase>> WithOtherFactsAsync(
        List<(EnrollmentSummary Enrollment, ProgramContext Program)> candidates, ILookup<Guid, SessionFact> sessionsBy, DateTimeOffset now, CancellationToken ct)
    {
        var ids = candidates.Select(c => c.Enrollment.EnrollmentId).ToList();
        var episodeFrom = new DateTimeOffset(candidates.Min(c => c.Enrollment.AdmissionDate!.Value).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        // Four independent reads on four connections at once: the database works on them side by side.
        var testsRead = mediator.Send(new GetDrugTestSignalsQuery(ids, episodeFrom, HistoryTo(now)), ct);
        var bamsRead = mediator.Send(new GetLatestBamQuery(ids, HistoryTo(now)), ct);
        var teamsRead = mediator.Send(new GetCareTeamsQuery(ids), ct);
        var outreachRead = OutreachAsync(ids, HistoryFrom(now), HistoryTo(now), ct);
        await Task.WhenAll(testsRead, bamsRead, teamsRead, outreachRead);
        var (tests, bams, teams, outreach) = (await testsRead, await bamsRead, await teamsRead, await outreachRead);

        var testsBy = tests.ToLookup(t => t.EnrollmentId);
        var bamBy = bams.ToDictionary(b => b.EnrollmentId);
        var teamBy = teams.ToDictionary(t => t.EnrollmentId);
        return candidates.Select(c =>
        {
            var e = c.Enrollment;
            var admittedAt = new DateTimeOffset(e.AdmissionDate!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
            var facts = new DriftFacts(
                new DriftSubject(e.EnrollmentId, e.AdmissionDate, e.RequiredHoursPerWeek, c.Program.Zone),
                sessionsBy[e.EnrollmentId].ToList(),
                outreach[e.EnrollmentId].ToList(),
                testsBy[e.EnrollmentId].Where(t => t.CollectedAt >= admittedAt).Select(t => new DrugTestFact(t.DrugTestId, t.CollectedAt, t.OverallResult, t.NeedsConfirmation)).ToList(),
                Bam(bamBy.GetValueOrDefault(e.EnrollmentId)),
                Bam(bamBy.GetValueOrDefault(e.EnrollmentId)?.Intake));
            return new DriftCase(e, c.Program, facts, teamBy.GetValueOrDefault(e.EnrollmentId));
        }).ToList();
    }

    private static BamFact? Bam(BamResultDto? bam) => bam is null ? null : new BamFact(bam.MeasureId, bam.AdministeredAt, bam.Use, bam.Risk, bam.Protective);

    private async Task<ILookup<Guid, DateTimeOffset>> OutreachAsync(IReadOnlyList<Guid> ids, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var rows = new List<OutreachRow>();
        await using var connection = await db.OpenAsync(ct);
        foreach (var chunk in ids.Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters(new { From = from, To = to });
            rows.AddRange(await connection.QueryAsync<OutreachRow>(new CommandDefinition(Outreach + SqlList.In("enrollment_id", chunk, "E", parameters), parameters, cancellationToken: ct)));
        }
        return rows.ToLookup(r => r.EnrollmentId, r => r.AttemptedAt);
    }

    private sealed class OutreachRow
    {
        public Guid EnrollmentId { get; init; }

        public DateTimeOffset AttemptedAt { get; init; }
    }
}
