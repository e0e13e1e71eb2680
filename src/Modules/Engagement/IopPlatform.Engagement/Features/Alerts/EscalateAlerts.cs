using IopPlatform.Engagement.Features.RulePacks;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Recurring job <c>enrollment:escalate-alerts</c>: alerts nobody acknowledged within the program's hours go to the supervisor.</summary>
internal sealed record EscalateAlertsCommand : IRequest<Unit>;

/// <summary>
/// Escalates open (unacknowledged) alerts older than the program's <see cref="EscalationRule.UnacknowledgedHours"/>. The
/// conditional update (status still open, same version) makes reruns and concurrent job servers escalate each alert once.
/// Escalation only routes the alert; nobody is ever discharged by it.
/// </summary>
internal sealed class EscalateAlertsHandler(IDbConnectionFactory db, TimeProvider clock, ILogger<EscalateAlertsHandler> logger)
    : IRequestHandler<EscalateAlertsCommand, Unit>
{
    // Outreach tasks (info) are the case manager's to-do list, not risk signals: only amber and red alerts escalate.
    private const string Programs = "SELECT DISTINCT program_id FROM engagement_alert WHERE status = 'open' AND severity <> 'info'";

    private const string Due = $"SELECT {AlertStore.Columns} FROM engagement_alert WHERE status = 'open' AND severity <> 'info' AND program_id = @ProgramId AND raised_at <= @Cutoff ORDER BY id";

    private const string Escalate = """
        UPDATE engagement_alert SET status = 'escalated', escalated_at = @Now, updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version AND status = 'open'
        """;

    public async Task<Unit> Handle(EscalateAlertsCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<Guid> programs;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            programs = (await connection.QueryAsync<Guid>(new CommandDefinition(Programs, cancellationToken: cancellationToken))).AsList();
        }
        var escalated = 0;
        foreach (var programId in programs)
        {
            var pack = await RulePackStore.InForceAsync(db, programId, cancellationToken);
            if (!pack.Escalation.Enabled)
            {
                continue;
            }
            await using var connection = await db.OpenAsync(cancellationToken);
            var due = (await connection.QueryAsync<AlertRow>(new CommandDefinition(Due, new { ProgramId = programId, Cutoff = now.AddHours(-pack.Escalation.UnacknowledgedHours) }, cancellationToken: cancellationToken))).AsList();
            foreach (var alert in due)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                if (await connection.ExecuteAsync(new CommandDefinition(Escalate, new { alert.Id, alert.Version, Now = now }, tx, cancellationToken: cancellationToken)) == 0)
                {
                    await tx.RollbackAsync(cancellationToken);
                    continue;
                }
                var detail = alert.SupervisorId is null
                    ? $"unacknowledged for {pack.Escalation.UnacknowledgedHours} h; no supervisor on the care team"
                    : $"unacknowledged for {pack.Escalation.UnacknowledgedHours} h; routed to supervisor {alert.SupervisorId}";
                await AlertStore.HistoryAsync(connection, tx, alert.Id, "escalated", alert.Status, AlertStatus.Escalated, alert.Severity, "system:escalation-job", now, detail, cancellationToken);
                await AlertStore.OutboxAsync(connection, tx, alert, EngagementEvents.AlertEscalated, AlertStatus.Escalated, AlertStore.Recipients(alert.SupervisorId, alert.CaseManagerId), now, cancellationToken);
                await tx.CommitAsync(cancellationToken);
                escalated++;
            }
        }
        if (escalated > 0)
        {
            logger.LogInformation("Escalated {Count} unacknowledged alerts", escalated);
        }
        return Unit.Value;
    }
}
