namespace IopPlatform.Outcomes.Features.Outbox;

internal sealed class GetPendingOutcomesEventsValidator : AbstractValidator<GetPendingOutcomesEventsQuery>
{
    public GetPendingOutcomesEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>Integration's webhook dispatcher reads Outcomes' outbox through this, never the table itself.</summary>
internal sealed class GetPendingOutcomesEventsHandler(IDbConnectionFactory db, ISqlDialect dialect)
    : IRequestHandler<GetPendingOutcomesEventsQuery, IReadOnlyList<OutcomesOutboxEventDto>>
{
    public async Task<IReadOnlyList<OutcomesOutboxEventDto>> Handle(GetPendingOutcomesEventsQuery request, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT id, event_type AS EventType, aggregate_id AS AggregateId, payload, occurred_at AS OccurredAt FROM outcomes_outbox
            WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(sql, request, cancellationToken: cancellationToken));
        return rows.Select(r => new OutcomesOutboxEventDto { Id = r.Id, EventType = r.EventType, AggregateId = r.AggregateId, Payload = r.Payload, OccurredAt = r.OccurredAt }).ToList();
    }

    private sealed class OutboxRow
    {
        public Guid Id { get; init; }

        public string EventType { get; init; } = string.Empty;

        public Guid AggregateId { get; init; }

        public string Payload { get; init; } = string.Empty;

        public DateTimeOffset OccurredAt { get; init; }
    }
}

internal sealed class MarkOutcomesEventsDispatchedHandler(IDbConnectionFactory db, TimeProvider clock) : IRequestHandler<MarkOutcomesEventsDispatchedCommand, int>
{
    private const string Mark = "UPDATE outcomes_outbox SET dispatched_at = @Now WHERE dispatched_at IS NULL AND ";

    public Task<int> Handle(MarkOutcomesEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkAsync(db, clock, Mark, request.EventIds, cancellationToken);
}
