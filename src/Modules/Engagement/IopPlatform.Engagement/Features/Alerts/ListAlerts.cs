using IopPlatform.Engagement.Features.Drift;
using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Alerts across a program (or all programs) for supervisors, newest first.</summary>
/// <param name="ProgramId">Only this program.</param>
/// <param name="Status">Only this status; default: every status but resolved.</param>
/// <param name="Severity">Only this severity.</param>
/// <param name="Rule">Only alerts raised by this rule.</param>
/// <param name="Limit">Page size (1–200).</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
/// <param name="NewestFirst">False for oldest first (sort=created).</param>
internal sealed record ListAlertsRequest(Guid? ProgramId, string? Status, string? Severity, string? Rule, int Limit, string? Cursor, bool NewestFirst = true) : IRequest<CursorPage<AlertDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class ListAlertsValidator : AbstractValidator<ListAlertsRequest>
{
    private static readonly string[] Statuses = [AlertStatus.Open, AlertStatus.Acknowledged, AlertStatus.OutreachAttempted, AlertStatus.Escalated, AlertStatus.Resolved];
    private static readonly string[] Severities = [AlertSeverity.Info, AlertSeverity.Amber, AlertSeverity.Red];
    private static readonly string[] Rules = [.. DriftRuleCodes.Attendance, DriftRuleCodes.NoShowOutreach, DriftRuleCodes.Safety];

    public ListAlertsValidator()
    {
        RuleFor(x => x.Status).IsOneOf(Statuses).When(x => x.Status is not null).WithMessage($"Status must be one of: {string.Join(", ", Statuses)}.");
        RuleFor(x => x.Severity).IsOneOf(Severities).When(x => x.Severity is not null).WithMessage($"Severity must be one of: {string.Join(", ", Severities)}.");
        RuleFor(x => x.Rule).IsOneOf(Rules).When(x => x.Rule is not null).WithMessage($"Rule must be one of: {string.Join(", ", Rules)}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
    }
}

internal sealed class ListAlertsHandler(IDbConnectionFactory db, ISqlDialect dialect, IAuditScope audit) : IRequestHandler<ListAlertsRequest, CursorPage<AlertDto>>
{
    public Task<CursorPage<AlertDto>> Handle(ListAlertsRequest request, CancellationToken cancellationToken)
    {
        var filters = new List<string> { request.Status is null ? "status <> 'resolved'" : "status = @Status" };
        if (request.ProgramId is not null)
        {
            filters.Add("program_id = @ProgramId");
        }
        if (request.Severity is not null)
        {
            filters.Add("severity = @Severity");
        }
        if (request.Rule is not null)
        {
            filters.Add("rule_code = @Rule");
        }
        return AlertPages.ReadAsync(db, dialect, audit, filters, new { request.ProgramId, request.Status, request.Severity, request.Rule }, request.NewestFirst, request.Limit, request.Cursor, cancellationToken);
    }
}

internal static class ListAlertsEndpoint
{
    /// <summary>By when raised (the time-ordered id), newest or oldest first.</summary>
    private static readonly ListSort Sort = new(["-created", "created"]);

    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/alerts", (Guid? programId, string? status, string? severity, string? rule, int? limit, string? cursor, string? sort, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new ListAlertsRequest(programId, status, severity, rule, limit ?? Cursor.DefaultLimit, cursor, ListSort.IsDescending(Sort.Parse(sort))), ct))
            .WithSort(Sort)
            .WithName("ListAlerts")
            .WithSummary("Alerts across a program, for supervisors")
            .WithDescription("Every alert of the program (or of all programs), newest first (sort=created: oldest first): unresolved by default; filter by status, severity (info, amber, red) " +
                             "and the rule that raised it (consecutive_missed, no_recent_attendance, attendance_ratio, no_show_with_clinical_signal, no_show_outreach, safety). " +
                             "Case managers use their inbox (GET /case-managers/{userId}/alerts). Keyset-paginated (limit 1–200, cursor).")
            .RequireRoles(Roles.Supervisor, Roles.Admin)
            .Produces<CursorPage<AlertDto>>()
            .ProducesValidationProblem();
}
