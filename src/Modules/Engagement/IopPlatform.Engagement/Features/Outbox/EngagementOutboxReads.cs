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
    public async Task<IReadOnlyList<EngagementOutboxEventDto>> Handle(GetPendingEngagementEventsQuery request, CancellationToken cancellationToken) =>
        (await StaffOutbox.PendingAsync(db, dialect, EngagementOutbox.Table, request.Limit, cancellationToken)).Select(r => new EngagementOutboxEventDto
        {
            Id = r.Id,
            EventType = r.EventType,
            Payload = r.Payload,
            PatientId = r.PatientId,
            NotifyUserIds = r.NotifyUserIds,
            Severity = r.Severity,
            OccurredAt = r.OccurredAt,
        }).ToList();

    public Task<int> Handle(MarkEngagementEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        StaffOutbox.MarkDispatchedAsync(db, clock, EngagementOutbox.Table, request.EventIds, cancellationToken);
}
