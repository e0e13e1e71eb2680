using System.Globalization;
using System.Text;
using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.Engagement.Contracts;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Scheduling.Contracts;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>Webhook delivery settings (<c>Integration:Webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    /// <summary>Failed deliveries are retried with exponential backoff for this long, then dead-lettered.</summary>
    public int RetryHours { get; set; } = 24;

    /// <summary>Longest pause between two attempts.</summary>
    public int MaxBackoffMinutes { get; set; } = 360;

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Cron of <c>integration:dispatch-outbox</c>.</summary>
    public string DispatchCron { get; set; } = "* * * * *";

    /// <summary>Plain http targets; events carry patient identifiers, so only for development and tests.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Addresses, CIDR ranges or host names that may receive webhooks although they are internal (on-premises partner apps).</summary>
    public List<string> AllowedPrivateTargets { get; set; } = [];
}

/// <summary>Recurring job <c>integration:dispatch-outbox</c> (every minute by default).</summary>
internal sealed record DispatchOutboxCommand : IRequest<Unit>;

/// <summary>
/// Moves events from the modules' outboxes into webhook deliveries and emails, then delivers them. Pulling is
/// idempotent: a delivery is unique per (event, subscription) and an email per (event, recipient), and the source
/// events are marked dispatched only after the rows are committed, so a crash in between repeats harmlessly. Sending
/// claims each row with a versioned update, so two job servers never POST or mail the same row at the same time.
/// Events about a patient go to a partner only while a consent covers that patient and the event's category; otherwise
/// the delivery is stored as <c>withheld</c> and never sent.
/// </summary>
internal sealed class DispatchOutboxHandler(
    IMediator mediator, IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, WebhookAttempt webhookAttempt,
    WebhookOptions webhooks, EmailOptions email, IEmailSender sender, WebhookConsentGate consent, ILogger<DispatchOutboxHandler> logger)
    : IRequestHandler<DispatchOutboxCommand, Unit>
{
    public const string HttpClientName = "webhooks";

    private const string Subscriptions = $"SELECT {SubscriptionRow.Columns} FROM integration_webhook_subscription WHERE active = 1";

    private const string DueDeliveries = $"""
        SELECT {DueWebhookDelivery.Columns}
        FROM integration_webhook_delivery d JOIN integration_webhook_subscription s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= @Now AND s.active = 1
        ORDER BY d.next_attempt_at
        """;

    private const string DueEmails = """
        SELECT id, to_address AS ToAddress, subject, body, attempts, created_at AS CreatedAt, version FROM integration_email_outbox
        WHERE status = 'pending' AND next_attempt_at <= @Now ORDER BY next_attempt_at
        """;

    private const string ClaimEmail = "UPDATE integration_email_outbox SET next_attempt_at = @Lease, version = version + 1 WHERE id = @Id AND version = @Version AND status = 'pending'";

    private const string FinishEmail = """
        UPDATE integration_email_outbox SET status = @Status, attempts = @Attempts, next_attempt_at = @Next, last_error = @Error, sent_at = @SentAt, version = version + 1
        WHERE id = @Id
        """;

    private static readonly string[] Emailed = ["alert.raised", "alert.escalated"];

    public async Task<Unit> Handle(DispatchOutboxCommand request, CancellationToken cancellationToken)
    {
        await PullAsync(cancellationToken);
        await DeliverAsync(cancellationToken);
        if (email.Enabled)
        {
            await SendEmailsAsync(cancellationToken);
        }
        return Unit.Value;
    }

    private sealed record OutboxEvent(Guid Id, string Source, string Type, string Payload, Guid? PatientId, IReadOnlyList<string> Notify, string? Severity, DateTimeOffset OccurredAt);

    private async Task PullAsync(CancellationToken ct)
    {
        var enrollmentEvents = await mediator.Send(new GetPendingEnrollmentEventsQuery(200), ct);
        var schedulingEvents = await mediator.Send(new GetPendingSchedulingEventsQuery(200), ct);
        var outcomesEvents = await mediator.Send(new GetPendingOutcomesEventsQuery(200), ct);
        var engagementEvents = await mediator.Send(new GetPendingEngagementEventsQuery(200), ct);
        var notesEvents = await mediator.Send(new GetPendingClinicalNotesEventsQuery(200), ct);
        var events = enrollmentEvents.Select(e => new OutboxEvent(e.Id, "enrollment", e.EventType, e.Payload, e.PatientId, e.NotifyUserIds, e.Severity, e.OccurredAt))
            .Concat(schedulingEvents.Select(e => new OutboxEvent(e.Id, "scheduling", e.EventType, e.Payload, PayloadJson.ReadGuid(e.Payload, "patientId"), [], null, e.OccurredAt)))
            .Concat(outcomesEvents.Select(e => new OutboxEvent(e.Id, "outcomes", e.EventType, e.Payload, PayloadJson.ReadGuid(e.Payload, "patientId"), [], null, e.OccurredAt)))
            .Concat(engagementEvents.Select(e => new OutboxEvent(e.Id, "engagement", e.EventType, e.Payload, e.PatientId, e.NotifyUserIds, e.Severity, e.OccurredAt)))
            .Concat(notesEvents.Select(e => new OutboxEvent(e.Id, "clinical_notes", e.EventType, e.Payload, PayloadJson.ReadGuid(e.Payload, "patientId"), [], null, e.OccurredAt)))
            .ToList();
        if (events.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        List<SubscriptionRow> subscriptions;
        await using (var connection = await db.OpenAsync(ct))
        {
            subscriptions = (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(Subscriptions, cancellationToken: ct))).AsList();
        }
        // Consent is asked before the transaction opens (SQLite has one writer), and asked again before every attempt.
        var deliveries = new List<object>();
        var emails = new List<object>();
        foreach (var evt in events)
        {
            foreach (var subscription in subscriptions.Where(s => s.EventList.Contains(evt.Type, StringComparer.Ordinal)))
            {
                var allowed = (await consent.DecideAsync(evt.Type, evt.PatientId, subscription.ApiClientId, ct)).Allowed;
                deliveries.Add(new
                {
                    Id = Guid.CreateVersion7(),
                    EventId = evt.Id,
                    SubscriptionId = subscription.Id,
                    EventType = evt.Type,
                    evt.PatientId,
                    evt.Source,
                    Payload = WebhookEventCatalogue.Project(evt.Type, evt.Payload),
                    evt.OccurredAt,
                    Status = allowed ? "pending" : "withheld",
                    Attempts = 0,
                    NextAttemptAt = now,
                    CreatedAt = now,
                    Version = 1,
                });
            }
            if (email.Enabled && Emailed.Contains(evt.Type, StringComparer.Ordinal))
            {
                foreach (var userId in evt.Notify)
                {
                    if (email.AddressOf(userId) is not { } address)
                    {
                        logger.LogWarning("No email address for staff user {UserId}; alert email skipped", userId);
                        continue;
                    }
                    var (subject, body) = AlertEmail(evt);
                    emails.Add(new
                    {
                        Id = Guid.CreateVersion7(),
                        EventId = evt.Id,
                        RecipientUserId = userId,
                        ToAddress = address,
                        Subject = subject,
                        Body = body,
                        Status = "pending",
                        Attempts = 0,
                        NextAttemptAt = now,
                        CreatedAt = now,
                        Version = 1,
                    });
                }
            }
        }
        var insertDelivery = dialect.InsertIgnoreDuplicate("integration_webhook_delivery",
            ["id", "event_id", "subscription_id", "event_type", "patient_id", "source", "payload", "occurred_at", "status", "attempts", "next_attempt_at", "created_at", "version"],
            ["event_id", "subscription_id"]);
        var insertEmail = dialect.InsertIgnoreDuplicate("integration_email_outbox",
            ["id", "event_id", "recipient_user_id", "to_address", "subject", "body", "status", "attempts", "next_attempt_at", "created_at", "version"],
            ["event_id", "recipient_user_id"]);
        await using (var connection = await db.OpenAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var delivery in deliveries)
            {
                await connection.ExecuteAsync(new CommandDefinition(insertDelivery, delivery, tx, cancellationToken: ct));
            }
            foreach (var message in emails)
            {
                await connection.ExecuteAsync(new CommandDefinition(insertEmail, message, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
        foreach (var revoked in events.Where(e => e.Type == "consent.revoked" && e.PatientId is not null))
        {
            await consent.WithholdRefusedAsync(revoked.PatientId!.Value, ct);
        }
        await mediator.Send(new MarkEnrollmentEventsDispatchedCommand(events.Where(e => e.Source == "enrollment").Select(e => e.Id).ToList()), ct);
        await mediator.Send(new MarkSchedulingEventsDispatchedCommand(events.Where(e => e.Source == "scheduling").Select(e => e.Id).ToList()), ct);
        await mediator.Send(new MarkOutcomesEventsDispatchedCommand(events.Where(e => e.Source == "outcomes").Select(e => e.Id).ToList()), ct);
        await mediator.Send(new MarkEngagementEventsDispatchedCommand(events.Where(e => e.Source == "engagement").Select(e => e.Id).ToList()), ct);
        await mediator.Send(new MarkClinicalNotesEventsDispatchedCommand(events.Where(e => e.Source == "clinical_notes").Select(e => e.Id).ToList()), ct);
    }

    /// <summary>The minimum necessary: a count, the severity and a link; no patient name and no clinical detail.</summary>
    private (string Subject, string Body) AlertEmail(OutboxEvent evt)
    {
        var alertId = PayloadJson.ReadGuid(evt.Payload, "alertId");
        var severity = evt.Severity ?? "info";
        var escalated = evt.Type == "alert.escalated";
        var subject = escalated ? $"IOP: 1 alert escalated to you ({severity})" : $"IOP: 1 new {severity} alert";
        var body = new StringBuilder()
            .AppendLine(escalated ? $"1 {severity} alert was escalated because nobody acknowledged it in time." : $"1 new {severity} alert was assigned to you.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Open it in the platform: {email.LinkBaseUrl.TrimEnd('/')}/alerts/{alertId}")
            .AppendLine()
            .AppendLine("This message holds no patient details; sign in to see them.")
            .ToString();
        return (subject, body);
    }

    private async Task DeliverAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var due = (await connection.QueryAsync<DueWebhookDelivery>(new CommandDefinition(
            DueDeliveries + " " + dialect.Limit("@Limit"), new { Now = clock.GetUtcNow(), Limit = 100 }, cancellationToken: ct))).AsList();
        foreach (var delivery in due)
        {
            await webhookAttempt.RunAsync(connection, delivery, retried: true, ct);
        }
    }

    private async Task SendEmailsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var due = (await connection.QueryAsync<DueEmail>(new CommandDefinition(DueEmails + " " + dialect.Limit("@Limit"), new { Now = now, Limit = 100 }, cancellationToken: ct))).AsList();
        foreach (var message in due)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(ClaimEmail, new { message.Id, message.Version, Lease = now.AddMinutes(5) }, cancellationToken: ct)) == 0)
            {
                continue;
            }
            string? error = null;
            try
            {
                await sender.SendAsync(message.ToAddress, message.Subject, message.Body, ct);
            }
            catch (Exception ex) when (ex is System.Net.Mail.SmtpException or IOException or InvalidOperationException)
            {
                error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
                logger.LogWarning("Email {EmailId} failed: {Error}", message.Id, error);
            }
            var finishedAt = clock.GetUtcNow();
            var attempts = message.Attempts + 1;
            var dead = error is not null && finishedAt - message.CreatedAt >= TimeSpan.FromHours(webhooks.RetryHours);
            await connection.ExecuteAsync(new CommandDefinition(FinishEmail, new
            {
                message.Id,
                Status = error is null ? "sent" : dead ? "dead" : "pending",
                Attempts = attempts,
                Next = error is null || dead ? finishedAt : finishedAt + TimeSpan.FromMinutes(Math.Min(Math.Pow(2, attempts - 1), webhooks.MaxBackoffMinutes)),
                Error = error,
                SentAt = error is null ? finishedAt : (DateTimeOffset?)null,
            }, cancellationToken: ct));
        }
    }

    private sealed class DueEmail
    {
        public Guid Id { get; init; }

        public string ToAddress { get; init; } = string.Empty;

        public string Subject { get; init; } = string.Empty;

        public string Body { get; init; } = string.Empty;

        public int Attempts { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public int Version { get; init; }
    }
}
