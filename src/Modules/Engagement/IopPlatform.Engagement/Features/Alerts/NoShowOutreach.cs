using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Engagement.Features.RulePacks;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>
/// One outreach task per unexcused no-show, however it was recorded: the missed-session job's <see cref="SessionMissed"/>
/// raises it at once, and the drift job raises it for misses staff recorded by hand. The task is keyed by its session
/// (open key and <c>source_id</c>), so both paths, redeliveries and reruns meet on one row and a resolved task is not
/// raised again.
/// </summary>
internal static class NoShowOutreach
{
    private const string Existing = "SELECT enrollment_id AS EnrollmentId, source_id AS SessionId FROM engagement_alert WHERE rule_code = @Rule AND source_id IS NOT NULL AND ";

    public static AlertDraft Draft(Guid enrollmentId, Guid patientId, Guid programId, Guid sessionId, DateTimeOffset sessionStartsAt, CareTeamDto? team, NoShowOutreachRule rule, DateTimeOffset now) => new()
    {
        EnrollmentId = enrollmentId,
        PatientId = patientId,
        ProgramId = programId,
        AlertType = AlertTypes.OutreachTask,
        Rule = DriftRuleCodes.NoShowOutreach,
        OpenKeyRule = $"{DriftRuleCodes.NoShowOutreach}:{sessionId:N}",
        Severity = AlertSeverity.Info,
        Basis = $"Any unexcused no-show, however recorded, creates one outreach task for the case manager, due within {rule.DueWithinHours} hours. " +
                "Source: outreach after a missed session (SAMHSA TIP 47, retention in intensive outpatient treatment).",
        InputsJson = AlertStore.ToJson(new { sessionId, sessionStartsAt, dueWithinHours = rule.DueWithinHours }),
        Evidence = [new AlertEvidence { Kind = "session", Id = sessionId, At = sessionStartsAt, Detail = "absent_unexcused" }],
        CaseManager = team?.CaseManager,
        Supervisor = team?.Supervisor,
        DueAt = now.AddHours(rule.DueWithinHours),
        SourceId = sessionId,
    };

    /// <summary>The (enrollment, session) no-shows of these enrollments that already have an outreach task, open or not.</summary>
    public static async Task<HashSet<(Guid EnrollmentId, Guid SessionId)>> TaskedAsync(DbConnection connection, IReadOnlyCollection<Guid> enrollmentIds, CancellationToken ct)
    {
        var found = new HashSet<(Guid EnrollmentId, Guid SessionId)>();
        foreach (var chunk in enrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters(new { Rule = DriftRuleCodes.NoShowOutreach });
            var rows = await connection.QueryAsync<TaskedRow>(new CommandDefinition(Existing + SqlList.In("enrollment_id", chunk, "E", parameters), parameters, cancellationToken: ct));
            found.UnionWith(rows.Select(r => (r.EnrollmentId, r.SessionId)));
        }
        return found;
    }

    private sealed class TaskedRow
    {
        public Guid EnrollmentId { get; init; }

        public Guid SessionId { get; init; }
    }
}

internal sealed class NoShowOutreachHandler(IMediator mediator, IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ILogger<NoShowOutreachHandler> logger)
    : INotificationHandler<SessionMissed>
{
    public async Task Handle(SessionMissed notification, CancellationToken cancellationToken)
    {
        try
        {
            var enrollment = await mediator.Send(new GetEnrollmentSummaryQuery(notification.EnrollmentId), cancellationToken);
            if (enrollment is null || enrollment.Status != EnrollmentStatus.Active)
            {
                return;
            }
            var pack = await RulePackStore.InForceAsync(db, enrollment.ProgramId, cancellationToken);
            if (!pack.NoShowOutreach.Enabled)
            {
                return;
            }
            var team = await mediator.Send(new GetCareTeamQuery(notification.EnrollmentId), cancellationToken);
            var now = clock.GetUtcNow();
            await using var connection = await db.OpenAsync(cancellationToken);
            if ((await NoShowOutreach.TaskedAsync(connection, [enrollment.EnrollmentId], cancellationToken)).Contains((enrollment.EnrollmentId, notification.SessionId)))
            {
                return;
            }
            var draft = NoShowOutreach.Draft(enrollment.EnrollmentId, enrollment.PatientId, enrollment.ProgramId, notification.SessionId, notification.SessionStartsAt, team, pack.NoShowOutreach, now);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await AlertStore.RaiseAsync(connection, tx, dialect, draft, now, "system:session-missed", cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Thrown so platform:deliver-reactions retries; the drift job would also raise it from the recorded miss.
            logger.LogError(ex, "Outreach task for the no-show of enrollment {EnrollmentId} at session {SessionId} failed", notification.EnrollmentId, notification.SessionId);
            throw;
        }
    }
}
