using System.Text.Json.Serialization;
using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Resolution codes a case manager or supervisor closes an alert with.</summary>
internal static class AlertResolutions
{
    /// <summary>Set by the drift job, never by staff: the patient attended again.</summary>
    public const string ResolvedByReturn = "resolved_by_return";

    public static readonly string[] All = ["reengaged", "barrier_addressed", "clinical_follow_up", "level_of_care_changed", "not_applicable", "other"];
}

/// <summary>Acknowledge, escalate or resolve an alert (needs If-Match).</summary>
/// <param name="Resolution">For resolve: one of reengaged, barrier_addressed, clinical_follow_up, level_of_care_changed, not_applicable, other.</param>
/// <param name="Note">Free-text note (resolve, escalate).</param>
internal sealed record ChangeAlertRequest(string? Resolution, string? Note) : IRequest<AlertDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid AlertId { get; init; }

    [JsonIgnore]
    public string Transition { get; init; } = string.Empty;

    [JsonIgnore]
    public int ExpectedVersion { get; init; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class ChangeAlertValidator : AbstractValidator<ChangeAlertRequest>
{
    public ChangeAlertValidator()
    {
        RuleFor(x => x.Resolution).NotEmpty().When(x => x.Transition == AlertStatus.Resolve)
            .Must(r => AlertResolutions.All.Contains(r)).When(x => x.Transition == AlertStatus.Resolve && !string.IsNullOrEmpty(x.Resolution))
            .WithMessage($"Resolution must be one of: {string.Join(", ", AlertResolutions.All)}.");
        RuleFor(x => x.Note).MaximumLength(2000);
    }
}

/// <summary>Acknowledge, escalate or resolve: one transition of the alert lifecycle, with its history row and outbox event.</summary>
internal sealed class ChangeAlertHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<ChangeAlertRequest, AlertDto>
{
    private const string Acknowledge = """
        UPDATE engagement_alert SET status = 'acknowledged', acknowledged_at = @Now, acknowledged_by = @Actor, updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string Escalate = """
        UPDATE engagement_alert SET status = 'escalated', escalated_at = @Now, updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string Resolve = """
        UPDATE engagement_alert SET status = 'resolved', open_key = NULL, resolved_at = @Now, resolved_by = @Actor, resolution = @Resolution,
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    public async Task<AlertDto> Handle(ChangeAlertRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var alert = await AlertStore.GetAsync(connection, request.AlertId, cancellationToken, tx);
            AlertAccess.Ensure(caller, alert);
            audit.TouchedPatient(alert.PatientId);
            if (alert.Version != request.ExpectedVersion)
            {
                throw new PreconditionFailedException($"Alert '{alert.Id}' is at version {alert.Version}; reload it and retry with its ETag.");
            }
            AlertStatus.Require(alert, request.Transition);
            var resolution = request.Resolution is null ? null : string.IsNullOrWhiteSpace(request.Note) ? request.Resolution : $"{request.Resolution}: {request.Note.Trim()}";
            var (sql, status, action, eventType, notify) = request.Transition switch
            {
                AlertStatus.Acknowledge => (Acknowledge, AlertStatus.Acknowledged, "acknowledged", EngagementEvents.AlertAcknowledged, (IReadOnlyList<string>)[]),
                AlertStatus.Escalate => (Escalate, AlertStatus.Escalated, "escalated", EngagementEvents.AlertEscalated, AlertStore.Recipients(alert.SupervisorId, alert.CaseManagerId)),
                _ => (Resolve, AlertStatus.Resolved, "resolved", EngagementEvents.AlertResolved, (IReadOnlyList<string>)[]),
            };
            var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new { alert.Id, alert.Version, Now = now, Actor = caller.ActorId, Resolution = resolution }, tx, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new PreconditionFailedException($"Alert '{alert.Id}' changed meanwhile; reload it and retry with its ETag.");
            }
            await AlertStore.HistoryAsync(connection, tx, alert.Id, action, alert.Status, status, alert.Severity, caller.ActorId, now, resolution ?? request.Note, cancellationToken);
            await AlertStore.OutboxAsync(connection, tx, alert, eventType, status, notify, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        return await AlertMapping.DetailAsync(connection, await AlertStore.GetAsync(connection, request.AlertId, cancellationToken), cancellationToken);
    }
}

internal static class ChangeAlertEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        MapTransition(group, AlertStatus.Acknowledge, "acknowledge", "AcknowledgeAlert", "Acknowledge an alert",
            "open → acknowledged: the case manager has seen it. Stops the escalation clock.", AlertAccess.Staff);
        MapTransition(group, AlertStatus.Escalate, "escalate", "EscalateAlert", "Escalate an alert to the supervisor",
            "Hands the alert to the supervisor (the job does this after the program's unacknowledged hours).", AlertAccess.Staff);
        MapTransition(group, AlertStatus.Resolve, "resolve", "ResolveAlert", "Resolve an alert",
            "Closes the alert with a resolution (reengaged, barrier_addressed, clinical_follow_up, level_of_care_changed, not_applicable, other). " +
            "Resolving never discharges anyone; a new signal later raises a new alert.", AlertAccess.Staff);
    }

    private static void MapTransition(IEndpointRouteBuilder group, string transition, string path, string name, string summary, string description, string[] roles) =>
        group.MapPost($"/alerts/{{alertId:guid}}/{path}", async (Guid alertId, HttpRequest http, HttpResponse response, IMediator mediator, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(http);
                var body = await OptionalJsonBody.ReadAsync<ChangeAlertRequest>(http, ct);
                var alert = await mediator.Send((body ?? new ChangeAlertRequest(null, null)) with { AlertId = alertId, Transition = transition, ExpectedVersion = version }, ct);
                ETag.Set(response, alert.Version);
                return alert;
            })
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " Needs If-Match with the alert's ETag (428 without, 412 when stale); 409 with allowedTransitions when not allowed from the current status.")
            .RequireRoles(roles)
            .Accepts<ChangeAlertRequest>("application/json")
            .Produces<AlertDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
