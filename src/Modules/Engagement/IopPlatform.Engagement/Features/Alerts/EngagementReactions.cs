using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Outcomes.Contracts;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>
/// Reactions to other modules' facts: a PHQ-9 item-9 answer becomes a red <c>safety</c> alert for the clinician and the
/// case manager, kept apart from dropout alerts. Each answer above zero is a safety event of its own (issue 18 item 9):
/// its alert is keyed by the Outcomes safety alert it came from, so a repeat answer while an earlier alert is open or
/// acknowledged raises a new alert with its own <c>alert.raised</c> event and email, while a redelivered notification
/// finds its alert and changes nothing. (No-shows: <see cref="NoShowOutreachHandler"/>.) It arrives as a durable
/// reaction: a failure is logged with its context and thrown, so <c>platform:deliver-reactions</c> retries until the
/// alert exists.
/// </summary>
internal sealed class EngagementReactionsHandler(IMediator mediator, IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ILogger<EngagementReactionsHandler> logger)
    : INotificationHandler<SafetyConcernRaised>
{
    private const string AlreadyRaised = "SELECT COUNT(*) FROM engagement_alert WHERE rule_code = @Rule AND source_id = @SourceId";

    public async Task Handle(SafetyConcernRaised notification, CancellationToken cancellationToken)
    {
        try
        {
            if (await AlreadyRaisedAsync(notification.AlertId, cancellationToken))
            {
                return;
            }
            var enrollment = await mediator.Send(new GetEnrollmentSummaryQuery(notification.EnrollmentId), cancellationToken);
            if (enrollment is null)
            {
                return;
            }
            var team = await mediator.Send(new GetCareTeamQuery(notification.EnrollmentId), cancellationToken);
            var caseManager = team?.CaseManager ?? (notification.CaseManagerId is { } cm ? new StaffRefDto(cm, cm) : null);
            var draft = new AlertDraft
            {
                EnrollmentId = enrollment.EnrollmentId,
                PatientId = enrollment.PatientId,
                ProgramId = enrollment.ProgramId,
                AlertType = AlertTypes.Safety,
                Rule = DriftRuleCodes.Safety,
                Severity = AlertSeverity.Red,
                Basis = "Any answer above zero to PHQ-9 item 9 (thoughts of self-harm) is a safety concern for the clinician and the case manager the same day, " +
                        "whatever the total score; it is handled apart from dropout alerts. " +
                        "Source: PHQ-9 item 9 (Kroenke et al. 2001); every positive screen gets a suicide-risk assessment (Joint Commission NPSG.15.01.01).",
                InputsJson = AlertStore.ToJson(new { phq9Item9 = notification.ItemScore, outcomesAlertId = notification.AlertId }),
                Evidence = [new AlertEvidence { Kind = "measure", Id = notification.MeasureId, At = notification.RaisedAt, Detail = $"phq9 item 9 = {notification.ItemScore}" }],
                CaseManager = caseManager,
                Supervisor = team?.Supervisor,
                ClinicianId = team?.PrimaryCounsellor?.UserId ?? notification.PrimaryCounsellorId,
                SourceId = notification.AlertId,
                OpenKeyRule = $"{DriftRuleCodes.Safety}:{notification.AlertId:N}",
            };
            await RaiseAsync(draft, clock.GetUtcNow(), "system:safety", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Safety alert for enrollment {EnrollmentId} (measure {MeasureId}) failed", notification.EnrollmentId, notification.MeasureId);
            throw;
        }
    }

    /// <summary>True once the safety alert of this Outcomes alert exists, open or resolved: a redelivery raises nothing again.</summary>
    private async Task<bool> AlreadyRaisedAsync(Guid sourceId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(AlreadyRaised, new { Rule = DriftRuleCodes.Safety, SourceId = sourceId }, cancellationToken: ct)) > 0;
    }

    private async Task RaiseAsync(AlertDraft draft, DateTimeOffset now, string actor, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await db.OpenAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                await AlertStore.RaiseAsync(connection, tx, dialect, draft, now, actor, ct);
                await tx.CommitAsync(ct);
                return;
            }
            catch (Exception ex) when (attempt < 3 && (ex is BuildingBlocks.Errors.ConflictException || Infrastructure.DbErrors.IsUniqueViolation(ex)))
            {
                logger.LogInformation("Alert {Rule} of enrollment {EnrollmentId} raced another writer; retrying", draft.Rule, draft.EnrollmentId);
            }
        }
    }
}
