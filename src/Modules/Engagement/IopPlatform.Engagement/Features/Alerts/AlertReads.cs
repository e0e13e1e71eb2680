using System.Data.Common;
using System.Text.Json;
using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Engagement.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>One change in an alert's life.</summary>
internal sealed record AlertHistoryDto
{
    /// <summary><c>raised</c>, <c>evidence_updated</c>, <c>severity_raised</c>, <c>acknowledged</c>, <c>outreach_attempted</c>, <c>escalated</c>, <c>resolved</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Status before.</summary>
    public string? FromStatus { get; init; }

    /// <summary>Status after.</summary>
    public required string ToStatus { get; init; }

    /// <summary>Severity after.</summary>
    public required string Severity { get; init; }

    /// <summary>Who (user id, or system:job).</summary>
    public required string Actor { get; init; }

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What changed, in words.</summary>
    public string? Detail { get; init; }

    /// <summary>The rule whose evaluation made this change (raised, severity raised, new evidence, resolved by return); null for staff actions.</summary>
    public string? Rule { get; init; }

    /// <summary>That evaluation's basis, as it was then.</summary>
    public string? Basis { get; init; }

    /// <summary>That evaluation's inputs, as they were then.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>That evaluation's evidence, as it was then.</summary>
    public IReadOnlyList<AlertEvidence>? Evidence { get; init; }
}

/// <summary>One logged outreach attempt.</summary>
internal sealed record OutreachAttemptDto
{
    /// <summary>Attempt id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The alert it answers.</summary>
    public required Guid AlertId { get; init; }

    /// <summary><c>call</c>, <c>sms</c>, <c>letter</c>, <c>in_person</c>.</summary>
    public required string Channel { get; init; }

    /// <summary><c>reached</c>, <c>voicemail</c>, <c>no_answer</c>, <c>wrong_number</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Barriers named: transport, childcare, work_schedule, housing, finances, ambivalence, health, other.</summary>
    public required IReadOnlyList<string> Barriers { get; init; }

    /// <summary>Free-text note.</summary>
    public string? Note { get; init; }

    /// <summary>When the attempt was made (UTC).</summary>
    public required DateTimeOffset AttemptedAt { get; init; }

    /// <summary>Who logged it.</summary>
    public required string RecordedBy { get; init; }
}

/// <summary>An alert: why it was raised, for whom, and what has been done.</summary>
internal sealed record AlertDto
{
    /// <summary>Alert id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary><c>drift</c> (dropout risk, from attendance patterns), <c>outreach_task</c> (one per no-show) or <c>safety</c> (PHQ-9 item 9).</summary>
    public required string AlertType { get; init; }

    /// <summary>The rule that raised it: <c>consecutive_missed</c>, <c>no_recent_attendance</c>, <c>attendance_ratio</c>, <c>no_show_outreach</c> or <c>safety</c>.</summary>
    public required string Rule { get; init; }

    /// <summary><c>info</c>, <c>amber</c> or <c>red</c>.</summary>
    public required string Severity { get; init; }

    /// <summary><c>open</c>, <c>acknowledged</c>, <c>outreach_attempted</c>, <c>escalated</c>, <c>resolved</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Tasks the alert carries: <c>discharge_review</c> (red attendance alerts; never an automatic discharge). Clinical flags are on the review list.</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>The rule's basis and numbers.</summary>
    public required string Basis { get; init; }

    /// <summary>The rule's inputs at the latest evaluation that changed the alert; each evaluation's own inputs and evidence are on its history row.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>The sessions, drug tests and measures the alert rests on.</summary>
    public required IReadOnlyList<AlertEvidence> Evidence { get; init; }

    /// <summary>Assigned case manager (from the care team when raised).</summary>
    public StaffRefDto? CaseManager { get; init; }

    /// <summary>Supervisor: the escalation target.</summary>
    public StaffRefDto? Supervisor { get; init; }

    /// <summary>Clinician the alert is also routed to (safety alerts).</summary>
    public string? ClinicianId { get; init; }

    /// <summary>When outreach is due (outreach tasks).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Raised (UTC).</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>Last changed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Acknowledged (UTC).</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Escalated (UTC).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>Resolved (UTC).</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Resolution code and note.</summary>
    public string? Resolution { get; init; }

    /// <summary>What may happen next.</summary>
    public required IReadOnlyList<string> AllowedTransitions { get; init; }

    /// <summary>History, oldest first (detail only).</summary>
    public IReadOnlyList<AlertHistoryDto> History { get; init; } = [];

    /// <summary>Outreach attempts, oldest first (detail only).</summary>
    public IReadOnlyList<OutreachAttemptDto> OutreachAttempts { get; init; } = [];

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }
}

/// <summary>Who may see and work which alert: admins and supervisors any; case managers and clinicians those routed to them.</summary>
internal static class AlertAccess
{
    public static bool SeesAll(ICurrentCaller caller) => caller.IsInRole(Roles.Admin) || caller.IsInRole(Roles.Supervisor);

    public static bool MayWork(ICurrentCaller caller, AlertRow alert) =>
        SeesAll(caller) || alert.CaseManagerId == caller.ActorId || alert.ClinicianId == caller.ActorId;

    public static void Ensure(ICurrentCaller caller, AlertRow alert)
    {
        if (!MayWork(caller, alert))
        {
            // 404 rather than 403: whether an alert exists about a patient is itself patient information.
            throw new NotFoundException("Alert", alert.Id);
        }
    }
}

internal static class AlertMapping
{
    private const string History = """
        SELECT action, from_status AS FromStatus, to_status AS ToStatus, severity, actor, at, detail, rule_code AS RuleCode, basis, inputs, evidence
        FROM engagement_alert_history WHERE alert_id = @Id ORDER BY at, id
        """;

    private const string Attempts = """
        SELECT id, alert_id AS AlertId, channel, outcome, barriers, note, attempted_at AS AttemptedAt, recorded_by AS RecordedBy
        FROM engagement_outreach_attempt WHERE alert_id = @Id ORDER BY id
        """;

    public static AlertDto ToDto(AlertRow r) => new()
    {
        Id = r.Id,
        EnrollmentId = r.EnrollmentId,
        PatientId = r.PatientId,
        ProgramId = r.ProgramId,
        AlertType = r.AlertType,
        Rule = r.RuleCode,
        Severity = r.Severity,
        Status = r.Status,
        Flags = AlertStore.ReadFlags(r.Flags),
        Basis = r.Basis,
        Inputs = InputsJson.Parse(r.Inputs),
        Evidence = AlertStore.ReadEvidence(r.Evidence),
        CaseManager = r.CaseManagerId is null ? null : new StaffRefDto(r.CaseManagerId, r.CaseManagerName ?? r.CaseManagerId),
        Supervisor = r.SupervisorId is null ? null : new StaffRefDto(r.SupervisorId, r.SupervisorName ?? r.SupervisorId),
        ClinicianId = r.ClinicianId,
        DueAt = r.DueAt,
        RaisedAt = r.RaisedAt,
        UpdatedAt = r.UpdatedAt,
        AcknowledgedAt = r.AcknowledgedAt,
        EscalatedAt = r.EscalatedAt,
        ResolvedAt = r.ResolvedAt,
        Resolution = r.Resolution,
        AllowedTransitions = AlertStatus.Allowed(r.Status),
        Version = r.Version,
    };

    public static async Task<AlertDto> DetailAsync(DbConnection connection, AlertRow row, CancellationToken ct)
    {
        var history = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(History, new { row.Id }, cancellationToken: ct))).Select(h => new AlertHistoryDto
        {
            Action = h.Action,
            FromStatus = h.FromStatus,
            ToStatus = h.ToStatus,
            Severity = h.Severity,
            Actor = h.Actor,
            At = h.At,
            Detail = h.Detail,
            Rule = h.RuleCode,
            Basis = h.Basis,
            Inputs = h.Inputs is null ? null : InputsJson.Parse(h.Inputs),
            Evidence = h.Evidence is null ? null : AlertStore.ReadEvidence(h.Evidence),
        }).ToList();
        var attempts = await connection.QueryAsync<AttemptRow>(new CommandDefinition(Attempts, new { row.Id }, cancellationToken: ct));
        return ToDto(row) with
        {
            History = history,
            OutreachAttempts = attempts.Select(a => new OutreachAttemptDto
            {
                Id = a.Id,
                AlertId = a.AlertId,
                Channel = a.Channel,
                Outcome = a.Outcome,
                Barriers = ColumnJson.Read<List<string>>(a.Barriers, []),
                Note = a.Note,
                AttemptedAt = a.AttemptedAt,
                RecordedBy = a.RecordedBy,
            }).ToList(),
        };
    }

    private sealed class HistoryRow
    {
        public string Action { get; init; } = string.Empty;

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = string.Empty;

        public string Severity { get; init; } = string.Empty;

        public string Actor { get; init; } = string.Empty;

        public DateTimeOffset At { get; init; }

        public string? Detail { get; init; }

        public string? RuleCode { get; init; }

        public string? Basis { get; init; }

        public string? Inputs { get; init; }

        public string? Evidence { get; init; }
    }

    private sealed class AttemptRow
    {
        public Guid Id { get; init; }

        public Guid AlertId { get; init; }

        public string Channel { get; init; } = string.Empty;

        public string Outcome { get; init; } = string.Empty;

        public string Barriers { get; init; } = "[]";

        public string? Note { get; init; }

        public DateTimeOffset AttemptedAt { get; init; }

        public string RecordedBy { get; init; } = string.Empty;
    }
}

/// <summary>One alert with its history and outreach log.</summary>
/// <param name="AlertId">Alert id.</param>
internal sealed record GetAlertRequest(Guid AlertId) : IRequest<AlertDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

/// <summary>The alerts routed to one staff member: as case manager, as clinician (safety), or as supervisor once escalated.</summary>
/// <param name="UserId">Staff user id.</param>
/// <param name="Status">Only this status; default: every status but resolved.</param>
/// <param name="Severity">Only this severity.</param>
/// <param name="ProgramId">Only this program.</param>
/// <param name="Limit">Page size (1–200).</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
internal sealed record GetInboxRequest(string UserId, string? Status, string? Severity, Guid? ProgramId, int Limit, string? Cursor) : IRequest<CursorPage<AlertDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class GetInboxValidator : AbstractValidator<GetInboxRequest>
{
    private static readonly string[] Statuses = [AlertStatus.Open, AlertStatus.Acknowledged, AlertStatus.OutreachAttempted, AlertStatus.Escalated, AlertStatus.Resolved];
    private static readonly string[] Severities = [AlertSeverity.Info, AlertSeverity.Amber, AlertSeverity.Red];

    public GetInboxValidator()
    {
        RuleFor(x => x.UserId).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Status).Must(s => Statuses.Contains(s)).When(x => x.Status is not null).WithMessage($"Status must be one of: {string.Join(", ", Statuses)}.");
        RuleFor(x => x.Severity).Must(s => Severities.Contains(s)).When(x => x.Severity is not null).WithMessage($"Severity must be one of: {string.Join(", ", Severities)}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
    }
}

internal sealed class AlertReadHandler(IDbConnectionFactory db, ISqlDialect dialect, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<GetAlertRequest, AlertDto>,
      IRequestHandler<GetInboxRequest, CursorPage<AlertDto>>
{
    public async Task<AlertDto> Handle(GetAlertRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await AlertStore.GetAsync(connection, request.AlertId, cancellationToken);
        AlertAccess.Ensure(caller, row);
        audit.TouchedPatient(row.PatientId);
        return await AlertMapping.DetailAsync(connection, row, cancellationToken);
    }

    public async Task<CursorPage<AlertDto>> Handle(GetInboxRequest request, CancellationToken cancellationToken)
    {
        if (!AlertAccess.SeesAll(caller) && caller.ActorId != request.UserId)
        {
            throw new ForbiddenException("Case managers and clinicians see their own alerts; supervisors and admins see anyone's.");
        }
        var filters = new List<string>
        {
            "(case_manager_id = @UserId OR clinician_id = @UserId OR (supervisor_id = @UserId AND status = 'escalated'))",
            request.Status is null ? "status <> 'resolved'" : "status = @Status",
        };
        if (request.Severity is not null)
        {
            filters.Add("severity = @Severity");
        }
        if (request.ProgramId is not null)
        {
            filters.Add("program_id = @ProgramId");
        }
        return await AlertPages.ReadAsync(db, dialect, audit, filters, new { request.UserId, request.Status, request.Severity, request.ProgramId }, newestFirst: false, request.Limit, request.Cursor, cancellationToken);
    }
}

/// <summary>A keyset page of alerts (by id) under the given filters; every patient on the page is recorded in the audit trail.</summary>
internal static class AlertPages
{
    public static async Task<CursorPage<AlertDto>> ReadAsync(
        IDbConnectionFactory db, ISqlDialect dialect, IAuditScope audit, List<string> filters, object filterValues, bool newestFirst, int limit, string? cursor, CancellationToken ct)
    {
        var after = Cursor.Decode(cursor);
        var parameters = new DynamicParameters(filterValues);
        parameters.Add("After", after);
        parameters.Add("Take", limit + 1);
        if (after is not null)
        {
            filters.Add(newestFirst ? "id < @After" : "id > @After");
        }
        var sql = $"SELECT {AlertStore.Columns} FROM engagement_alert WHERE {string.Join(" AND ", filters)} ORDER BY id {(newestFirst ? "DESC " : string.Empty)}{dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var page = Cursor.Page(rows.Select(AlertMapping.ToDto).ToList(), limit, a => a.Id);
        foreach (var alert in page.Items)
        {
            audit.TouchedPatient(alert.PatientId);
        }
        return page;
    }
}

internal static class AlertReadEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/case-managers/{userId}/alerts", (string userId, string? status, string? severity, Guid? programId, int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new GetInboxRequest(userId, status, severity, programId, limit ?? Cursor.DefaultLimit, cursor), ct))
            .WithName("GetAlertInbox")
            .WithSummary("A staff member's alert inbox")
            .WithDescription("Alerts routed to the user: as case manager, as clinician (safety alerts), or as supervisor once escalated. " +
                             "Unresolved alerts by default; filter by status, severity (info, amber, red) and program. Case managers and clinicians see " +
                             "their own inbox; supervisors and admins anyone's. Keyset-paginated (limit 1–200, cursor).")
            .RequireRoles(Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin)
            .Produces<CursorPage<AlertDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/alerts/{alertId:guid}", async (Guid alertId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var alert = await mediator.Send(new GetAlertRequest(alertId), ct);
                ETag.Set(response, alert.Version);
                return alert;
            })
            .WithName("GetAlert")
            .WithSummary("One alert with its evidence, history and outreach log")
            .WithDescription("The alert's rule, severity, basis, inputs and evidence, the allowed transitions, its history and outreach attempts. ETag for the transitions.")
            .RequireRoles(Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin)
            .Produces<AlertDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
