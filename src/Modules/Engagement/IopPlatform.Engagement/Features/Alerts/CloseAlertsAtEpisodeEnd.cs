using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>
/// When an episode ends (discharge or cancellation) its engagement alerts have nothing left to act on: they are resolved
/// with the reason, history and an <c>alert.resolved</c> outbox row. Safety alerts stay open — a risk to the person
/// does not end with the episode, and a clinician closes them.
/// </summary>
internal sealed class CloseAlertsAtEpisodeEndHandler(IDbConnectionFactory db, TimeProvider clock)
    : INotificationHandler<EnrollmentDischarged>,
      INotificationHandler<EnrollmentCancelled>
{
    private const string Actor = "system:episode-end";

    private const string OpenAlerts = $"""
        SELECT {AlertStore.Columns} FROM engagement_alert
        WHERE enrollment_id = @EnrollmentId AND open_key IS NOT NULL AND alert_type <> @Safety
        """;

    private const string Resolve = """
        UPDATE engagement_alert SET status = 'resolved', open_key = NULL, resolved_at = @Now, resolved_by = @Actor, resolution = @Resolution,
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    public Task Handle(EnrollmentDischarged notification, CancellationToken cancellationToken) =>
        CloseAsync(notification.EnrollmentId, $"episode_ended: discharged ({Codes.Of(notification.Reason)})", cancellationToken);

    public Task Handle(EnrollmentCancelled notification, CancellationToken cancellationToken) =>
        CloseAsync(notification.EnrollmentId, "episode_ended: cancelled", cancellationToken);

    private async Task CloseAsync(Guid enrollmentId, string resolution, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var open = await connection.QueryAsync<AlertRow>(new CommandDefinition(OpenAlerts, new { EnrollmentId = enrollmentId, Safety = AlertTypes.Safety }, tx, cancellationToken: ct));
        foreach (var alert in open)
        {
            // A concurrent change to one alert (an acknowledgement racing the discharge) leaves that one to its owner.
            var changed = await connection.ExecuteAsync(new CommandDefinition(Resolve, new { alert.Id, alert.Version, Now = now, Actor, Resolution = resolution }, tx, cancellationToken: ct));
            if (changed == 0)
            {
                continue;
            }
            await AlertStore.HistoryAsync(connection, tx, alert.Id, "resolved", alert.Status, AlertStatus.Resolved, alert.Severity, Actor, now, resolution, ct);
            await AlertStore.OutboxAsync(connection, tx, alert, EngagementEvents.AlertResolved, AlertStatus.Resolved, [], now, ct);
        }
        await tx.CommitAsync(ct);
    }
}
