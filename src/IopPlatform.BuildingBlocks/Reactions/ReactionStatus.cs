using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IopPlatform.BuildingBlocks.Reactions;

/// <summary>A reaction not yet delivered to all its handlers (no payload: it may name a patient).</summary>
public sealed record PendingReaction
{
    /// <summary>Reaction id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The notification's type name, e.g. <c>IopPlatform.Enrollment.Contracts.EnrollmentActivated</c>.</summary>
    public required string NotificationType { get; init; }

    /// <summary>Reactions of one key (an enrollment) are delivered in order; this one blocks the later ones.</summary>
    public required Guid OrderingKey { get; init; }

    /// <summary>Failed attempts so far.</summary>
    public required int Attempts { get; init; }

    /// <summary>True once <c>Reactions:StuckAfterAttempts</c> attempts failed: someone must look.</summary>
    public required bool Stuck { get; init; }

    /// <summary>The last failure, per handler.</summary>
    public string? LastError { get; init; }

    /// <summary>When the change that enqueued it committed (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Next attempt (UTC).</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }
}

/// <summary>Pending reactions, oldest first, a page at a time.</summary>
/// <param name="StuckOnly">Only those that failed <c>Reactions:StuckAfterAttempts</c> times or more.</param>
/// <param name="Limit">Page size (1–200).</param>
/// <param name="Cursor">The previous page's <c>nextCursor</c>.</param>
public sealed record ListPendingReactionsQuery(bool StuckOnly, int Limit, string? Cursor) : IRequest<CursorPage<PendingReaction>>;

internal sealed class ListPendingReactionsValidator : AbstractValidator<ListPendingReactionsQuery>
{
    public ListPendingReactionsValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Http.Cursor.MaxLimit);
        RuleFor(x => x.Cursor).Must(c => c is null || SequenceCursor.Decode(c) is not null).WithMessage("cursor is not a cursor this list gave out.");
    }
}

internal sealed class ListPendingReactionsHandler(IDbConnectionFactory db, ISqlDialect dialect, ReactionOptions options)
    : IRequestHandler<ListPendingReactionsQuery, CursorPage<PendingReaction>>
{
    private const string Pending = """
        SELECT seq, id, notification_type AS NotificationType, ordering_key AS OrderingKey, attempts, last_error AS LastError,
               created_at AS CreatedAt, next_attempt_at AS NextAttemptAt
        FROM platform_reaction_outbox WHERE status = 'pending' AND attempts >= @MinAttempts AND seq > @After ORDER BY seq
        """;

    public async Task<CursorPage<PendingReaction>> Handle(ListPendingReactionsQuery request, CancellationToken cancellationToken)
    {
        var stuckAfter = Math.Max(1, options.StuckAfterAttempts);
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"{Pending} {dialect.Limit("@Take")}",
            new { MinAttempts = request.StuckOnly ? stuckAfter : 0, After = SequenceCursor.Decode(request.Cursor) ?? 0, Take = request.Limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        var page = rows.Take(request.Limit).ToList();
        var items = page.Select(r => new PendingReaction
        {
            Id = r.Id,
            NotificationType = r.NotificationType.Split(',')[0],
            OrderingKey = r.OrderingKey,
            Attempts = r.Attempts,
            Stuck = r.Attempts >= stuckAfter,
            LastError = r.LastError,
            CreatedAt = r.CreatedAt,
            NextAttemptAt = r.NextAttemptAt,
        }).ToList();
        return new CursorPage<PendingReaction>(items, rows.Count > request.Limit ? SequenceCursor.Encode(page[^1].Seq) : null);
    }

    private sealed class Row
    {
        public long Seq { get; init; }

        public Guid Id { get; init; }

        public string NotificationType { get; init; } = string.Empty;

        public Guid OrderingKey { get; init; }

        public int Attempts { get; init; }

        public string? LastError { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset NextAttemptAt { get; init; }
    }
}

/// <summary>
/// Readiness reports <c>Degraded</c> (still HTTP 200) while any reaction is stuck, so monitoring that reads
/// <c>/health/ready</c> sees it; the admin list says which and why.
/// </summary>
internal sealed class StuckReactionsCheck(IDbConnectionFactory db, ReactionOptions options) : IHealthCheck
{
    private const string CountStuck = "SELECT COUNT(*) FROM platform_reaction_outbox WHERE status = 'pending' AND attempts >= @MinAttempts";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            var stuck = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountStuck, new { MinAttempts = Math.Max(1, options.StuckAfterAttempts) }, cancellationToken: cancellationToken));
            return stuck == 0
                ? HealthCheckResult.Healthy("No stuck reactions.")
                : HealthCheckResult.Degraded($"{stuck} reaction(s) failed {options.StuckAfterAttempts} or more times; see GET /api/v1/reactions?stuckOnly=true.");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            // The database check reports an unreachable or unmigrated database; this one only counts.
            return HealthCheckResult.Healthy("Reactions not checked: the database is not ready.");
        }
    }
}

/// <summary>Admin-only view of reactions waiting for delivery.</summary>
public static class ReactionEndpoints
{
    public const string Tag = "Reactions";

    public static IEndpointRouteBuilder MapReactionEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/reactions", (IMediator mediator, CancellationToken ct, bool stuckOnly = false, int limit = Http.Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListPendingReactionsQuery(stuckOnly, limit, cursor), ct))
            .WithTags(Tag)
            .RequireRoles(Roles.Admin)
            .WithName("ListPendingReactions")
            .WithSummary("List reactions waiting for delivery")
            .WithDescription(
                "Cross-module reactions (a booking on admission, a safety alert, alerts closed at discharge) are written with the change " +
                "and delivered by the job platform:deliver-reactions, retried with backoff until every handler succeeded. This lists those " +
                "still pending, oldest first, a page at a time, with attempts and the last error; stuckOnly=true keeps those that failed " +
                "Reactions:StuckAfterAttempts times or more. No payloads. Admin only.")
            .Produces<CursorPage<PendingReaction>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }
}
