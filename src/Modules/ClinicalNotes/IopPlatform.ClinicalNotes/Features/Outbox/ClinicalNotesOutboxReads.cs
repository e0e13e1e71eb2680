namespace IopPlatform.ClinicalNotes.Features.Outbox;

internal sealed class GetPendingClinicalNotesEventsValidator : AbstractValidator<GetPendingClinicalNotesEventsQuery>
{
    public GetPendingClinicalNotesEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>
/// Integration's webhook dispatcher reads <c>note.signed</c> / <c>note.addended</c> / <c>note.overdue</c> through these,
/// never the table itself; an event is marked dispatched only after its deliveries are stored.
/// </summary>
internal sealed class ClinicalNotesOutboxReadsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock)
    : IRequestHandler<GetPendingClinicalNotesEventsQuery, IReadOnlyList<ClinicalNotesOutboxEventDto>>,
      IRequestHandler<MarkClinicalNotesEventsDispatchedCommand, int>
{
    private const string Mark = "UPDATE clinical_notes_outbox SET dispatched_at = @Now WHERE dispatched_at IS NULL AND ";

    public async Task<IReadOnlyList<ClinicalNotesOutboxEventDto>> Handle(GetPendingClinicalNotesEventsQuery request, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT id, event_type AS EventType, aggregate_id AS AggregateId, payload, occurred_at AS OccurredAt FROM clinical_notes_outbox
            WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ClinicalNotesOutboxEventDto>(new CommandDefinition(sql, request, cancellationToken: cancellationToken))).AsList();
    }

    public Task<int> Handle(MarkClinicalNotesEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkAsync(db, clock, Mark, request.EventIds, cancellationToken);
}
