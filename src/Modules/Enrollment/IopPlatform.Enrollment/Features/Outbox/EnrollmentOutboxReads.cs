namespace IopPlatform.Enrollment.Features.Outbox;

internal sealed class GetPendingEnrollmentEventsValidator : AbstractValidator<GetPendingEnrollmentEventsQuery>
{
    public GetPendingEnrollmentEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>Integration's dispatcher reads Enrollment's outbox (status changes, consent revocations) through these, never the table.</summary>
internal sealed class EnrollmentOutboxReadsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock)
    : IRequestHandler<GetPendingEnrollmentEventsQuery, IReadOnlyList<EnrollmentOutboxEventDto>>,
      IRequestHandler<MarkEnrollmentEventsDispatchedCommand, int>
{
    public async Task<IReadOnlyList<EnrollmentOutboxEventDto>> Handle(GetPendingEnrollmentEventsQuery request, CancellationToken cancellationToken) =>
        (await StaffOutbox.PendingAsync(db, dialect, EnrollmentOutbox.Table, request.Limit, cancellationToken)).Select(r => new EnrollmentOutboxEventDto
        {
            Id = r.Id,
            EventType = r.EventType,
            Payload = r.Payload,
            PatientId = r.PatientId,
            NotifyUserIds = r.NotifyUserIds,
            Severity = r.Severity,
            OccurredAt = r.OccurredAt,
        }).ToList();

    public Task<int> Handle(MarkEnrollmentEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        StaffOutbox.MarkDispatchedAsync(db, clock, EnrollmentOutbox.Table, request.EventIds, cancellationToken);
}
