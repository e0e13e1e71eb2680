namespace IopPlatform.Engagement.Features.Outbox;

internal sealed class GetPendingEngagementEventsValidator : AbstractValidator<GetPendingEngagementEventsQuery>
{
    public GetPendingEngagementEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>Integration's dispatcher reads the alert events (webhooks, staff email) through these, never the table.</summary>
internal sealed class EngagementOutboxReadsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock)
    : IRequestHandler<GetPendingEngagementEventsQuery, IReadOnlyList<EngagementOutboxEventDto>>,
      IRequestHandler<MarkEngagementEventsDispatchedCommand, int>
{
    public Task<IReadOnlyList<EngagementOutboxEventDto>> Handle(GetPendingEngagementEventsQuery request, CancellationToken cancellationToken) =>
        StaffOutbox.PendingAsync<EngagementOutboxEventDto>(db, dialect, EngagementOutbox.Table, request.Limit, cancellationToken);

    public Task<int> Handle(MarkEngagementEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkDispatchedAsync(db, clock, EngagementOutbox.Table, request.EventIds, cancellationToken);
}
