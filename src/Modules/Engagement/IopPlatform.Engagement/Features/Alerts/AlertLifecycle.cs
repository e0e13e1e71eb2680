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

/// <summary>Outreach vocabularies of the alert lifecycle.</summary>
internal static class OutreachCodes
{
    public static readonly string[] Channels = ["call", "sms", "letter", "in_person"];
    public static readonly string[] Outcomes = ["reached", "voicemail", "no_answer", "wrong_number"];
    public static readonly string[] Barriers = ["transport", "childcare", "work_schedule", "housing", "finances", "ambivalence", "health", "other"];
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

/// <summary>Logs an outreach attempt on an alert; the alert moves to outreach_attempted.</summary>
/// <param name="Channel">call, sms, letter or in_person.</param>
/// <param name="Outcome">reached, voicemail, no_answer or wrong_number.</param>
/// <param name="Barriers">Barriers named: transport, childcare, work_schedule, housing, finances, ambivalence, health, other.</param>
/// <param name="Note">Free-text note.</param>
/// <param name="AttemptedAt">When the attempt was made (default now; not in the future).</param>
internal sealed record LogOutreachRequest(string Channel, string Outcome, IReadOnlyList<string>? Barriers, string? Note, DateTimeOffset? AttemptedAt) : IRequest<AlertDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid AlertId { get; init; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "create";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class LogOutreachValidator : AbstractValidator<LogOutreachRequest>
{
    public LogOutreachValidator()
    {
        RuleFor(x => x.Channel).NotEmpty().Must(c => OutreachCodes.Channels.Contains(c)).WithMessage($"Channel must be one of: {string.Join(", ", OutreachCodes.Channels)}.");
        RuleFor(x => x.Outcome).NotEmpty().Must(c => OutreachCodes.Outcomes.Contains(c)).WithMessage($"Outcome must be one of: {string.Join(", ", OutreachCodes.Outcomes)}.");
        RuleForEach(x => x.Barriers).Must(b => OutreachCodes.Barriers.Contains(b)).WithMessage($"Barriers must be among: {string.Join(", ", OutreachCodes.Barriers)}.");
        RuleFor(x => x.Note).MaximumLength(2000);
    }
}

internal sealed class AlertLifecycleHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<ChangeAlertRequest, AlertDto>,
      IRequestHandler<LogOutreachRequest, AlertDto>
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

    private const string Outreach = """
        UPDATE engagement_alert SET status = @Status, acknowledged_at = COALESCE(acknowledged_at, @Now), acknowledged_by = COALESCE(acknowledged_by, @Actor),
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertAttempt = """
        INSERT INTO engagement_outreach_attempt (id, alert_id, enrollment_id, channel, outcome, barriers, note, attempted_at, recorded_by, recorded_at)
        VALUES (@Id, @AlertId, @EnrollmentId, @Channel, @Outcome, @Barriers, @Note, @AttemptedAt, @RecordedBy, @RecordedAt)
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

    public async Task<AlertDto> Handle(LogOutreachRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var attemptedAt = request.AttemptedAt ?? now;
        if (attemptedAt > now.AddMinutes(5))
        {
            throw new BadRequestException("attemptedAt", "An outreach attempt cannot be logged in the future.");
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var alert = await AlertStore.GetAsync(connection, request.AlertId, cancellationToken, tx);
            AlertAccess.Ensure(caller, alert);
            audit.TouchedPatient(alert.PatientId);
            AlertStatus.Require(alert, AlertStatus.LogOutreach);
            // An escalated alert stays with the supervisor while outreach continues.
            var status = alert.Status == AlertStatus.Escalated ? AlertStatus.Escalated : AlertStatus.OutreachAttempted;
            var changed = await connection.ExecuteAsync(new CommandDefinition(Outreach, new { alert.Id, alert.Version, Status = status, Now = now, Actor = caller.ActorId }, tx, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new ConflictException($"Alert '{alert.Id}' changed meanwhile; retry.");
            }
            await connection.ExecuteAsync(new CommandDefinition(InsertAttempt, new
            {
                Id = Guid.CreateVersion7(),
                AlertId = alert.Id,
                alert.EnrollmentId,
                request.Channel,
                request.Outcome,
                Barriers = AlertStore.ToJson((request.Barriers ?? []).Distinct().ToList()),
                Note = request.Note?.Trim(),
                AttemptedAt = attemptedAt,
                RecordedBy = caller.ActorId,
                RecordedAt = now,
            }, tx, cancellationToken: cancellationToken));
            await AlertStore.HistoryAsync(connection, tx, alert.Id, "outreach_attempted", alert.Status, status, alert.Severity, caller.ActorId, now,
                $"{request.Channel}: {request.Outcome}", cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        return await AlertMapping.DetailAsync(connection, await AlertStore.GetAsync(connection, request.AlertId, cancellationToken), cancellationToken);
    }
}

internal static class AlertLifecycleEndpoint
{
    private static readonly string[] Staff = [Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin];

    public static void Map(IEndpointRouteBuilder group)
    {
        MapTransition(group, AlertStatus.Acknowledge, "acknowledge", "AcknowledgeAlert", "Acknowledge an alert",
            "open → acknowledged: the case manager has seen it. Stops the escalation clock.", Staff);
        MapTransition(group, AlertStatus.Escalate, "escalate", "EscalateAlert", "Escalate an alert to the supervisor",
            "Hands the alert to the supervisor (the job does this after the program's unacknowledged hours).", Staff);
        MapTransition(group, AlertStatus.Resolve, "resolve", "ResolveAlert", "Resolve an alert",
            "Closes the alert with a resolution (reengaged, barrier_addressed, clinical_follow_up, level_of_care_changed, not_applicable, other). " +
            "Resolving never discharges anyone; a new signal later raises a new alert.", Staff);

        group.MapPost("/alerts/{alertId:guid}/outreach-attempts", async (Guid alertId, LogOutreachRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var alert = await mediator.Send(body with { AlertId = alertId }, ct);
                ETag.Set(response, alert.Version);
                return TypedResults.Created($"/api/v1/alerts/{alertId}", alert);
            })
            .WithName("LogOutreachAttempt")
            .WithSummary("Log an outreach attempt on an alert")
            .WithDescription("Records channel (call, sms, letter, in_person), outcome (reached, voicemail, no_answer, wrong_number), barriers " +
                             "(transport, childcare, work_schedule, housing, finances, ambivalence, health, other) and a note. The alert moves to outreach_attempted " +
                             "(an escalated alert stays escalated). Answers the alert. 409 with allowedTransitions on a resolved alert.")
            .RequireRoles(Staff)
            .Accepts<LogOutreachRequest>("application/json")
            .Produces<AlertDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency();
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
