using System.Text.Json.Serialization;
using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Outreach vocabularies of the alert lifecycle.</summary>
internal static class OutreachCodes
{
    public static readonly string[] Channels = ["call", "sms", "letter", "in_person"];
    public static readonly string[] Outcomes = ["reached", "voicemail", "no_answer", "wrong_number"];
    public static readonly string[] Barriers = ["transport", "childcare", "work_schedule", "housing", "finances", "ambivalence", "health", "other"];
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

/// <summary>Logs an outreach attempt on an alert; the alert moves to outreach_attempted unless escalated.</summary>
internal sealed class LogOutreachHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<LogOutreachRequest, AlertDto>
{
    private const string Outreach = """
        UPDATE engagement_alert SET status = @Status, acknowledged_at = COALESCE(acknowledged_at, @Now), acknowledged_by = COALESCE(acknowledged_by, @Actor),
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertAttempt = """
        INSERT INTO engagement_outreach_attempt (id, alert_id, enrollment_id, channel, outcome, barriers, note, attempted_at, recorded_by, recorded_at)
        VALUES (@Id, @AlertId, @EnrollmentId, @Channel, @Outcome, @Barriers, @Note, @AttemptedAt, @RecordedBy, @RecordedAt)
        """;

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

internal static class LogOutreachEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
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
            .RequireRoles(AlertAccess.Staff)
            .Accepts<LogOutreachRequest>("application/json")
            .Produces<AlertDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency();
}
