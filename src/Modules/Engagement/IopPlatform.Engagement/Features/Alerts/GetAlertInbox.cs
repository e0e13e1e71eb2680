using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

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

internal sealed class GetAlertInboxHandler(IDbConnectionFactory db, ISqlDialect dialect, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<GetInboxRequest, CursorPage<AlertDto>>
{
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

internal static class GetAlertInboxEndpoint
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
    }
}
