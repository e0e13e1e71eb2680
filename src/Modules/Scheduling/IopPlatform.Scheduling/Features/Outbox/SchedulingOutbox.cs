using System.Text.Json;

namespace IopPlatform.Scheduling.Features.Outbox;

/// <summary>
/// Partner-facing events written in the same transaction as the change they announce, so an event is never lost or
/// invented. Integration's webhook dispatcher reads them through <see cref="GetPendingSchedulingEventsQuery"/>.
/// </summary>
internal static class SchedulingOutbox
{
    public const string SessionMissed = "session.missed";
    public const string AttendanceRecorded = "attendance.recorded";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Insert = """
        INSERT INTO scheduling_outbox (id, event_type, payload, occurred_at, dispatched_at)
        VALUES (@Id, @EventType, @Payload, @OccurredAt, NULL)
        """;

    public static Task WriteAsync(DbConnection connection, DbTransaction tx, string eventType, object payload, DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = Guid.CreateVersion7(),
            EventType = eventType,
            Payload = JsonSerializer.Serialize(payload, Json),
            OccurredAt = at,
        }, tx, cancellationToken: ct));
}

internal sealed class GetPendingSchedulingEventsValidator : AbstractValidator<GetPendingSchedulingEventsQuery>
{
    public GetPendingSchedulingEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

internal sealed class GetPendingSchedulingEventsHandler(IDbConnectionFactory db, ISqlDialect dialect)
    : IRequestHandler<GetPendingSchedulingEventsQuery, IReadOnlyList<SchedulingOutboxEventDto>>
{
    public async Task<IReadOnlyList<SchedulingOutboxEventDto>> Handle(GetPendingSchedulingEventsQuery request, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT id, event_type AS EventType, payload, occurred_at AS OccurredAt FROM scheduling_outbox
            WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SchedulingOutboxEventDto>(new CommandDefinition(sql, request, cancellationToken: cancellationToken))).AsList();
    }
}

internal sealed class MarkSchedulingEventsDispatchedHandler(IDbConnectionFactory db, TimeProvider clock) : IRequestHandler<MarkSchedulingEventsDispatchedCommand, int>
{
    public Task<int> Handle(MarkSchedulingEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkDispatchedAsync(db, clock, "scheduling_outbox", request.EventIds, cancellationToken);
}
