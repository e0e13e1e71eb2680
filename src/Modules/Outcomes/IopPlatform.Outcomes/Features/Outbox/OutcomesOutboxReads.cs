namespace IopPlatform.Outcomes.Features.Outbox;

internal sealed class GetPendingOutcomesEventsValidator : AbstractValidator<GetPendingOutcomesEventsQuery>
{
    public GetPendingOutcomesEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>Integration's webhook dispatcher reads Outcomes' outbox through these, never the table itself.</summary>
internal sealed class OutcomesOutboxReadsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock)
    : IRequestHandler<GetPendingOutcomesEventsQuery, IReadOnlyList<OutcomesOutboxEventDto>>,
      IRequestHandler<MarkOutcomesEventsDispatchedCommand, int>
{
    public Task<IReadOnlyList<OutcomesOutboxEventDto>> Handle(GetPendingOutcomesEventsQuery request, CancellationToken cancellationToken) =>
        EventOutbox.PendingAsync<OutcomesOutboxEventDto>(db, dialect, OutcomesOutbox.Table, request.Limit, cancellationToken);

    public Task<int> Handle(MarkOutcomesEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkDispatchedAsync(db, clock, OutcomesOutbox.Table, request.EventIds, cancellationToken);
}
