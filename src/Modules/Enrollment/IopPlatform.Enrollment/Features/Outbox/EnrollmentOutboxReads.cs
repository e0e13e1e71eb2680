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
    public Task<IReadOnlyList<EnrollmentOutboxEventDto>> Handle(GetPendingEnrollmentEventsQuery request, CancellationToken cancellationToken) =>
        StaffOutbox.PendingAsync<EnrollmentOutboxEventDto>(db, dialect, EnrollmentOutbox.Table, request.Limit, cancellationToken);

    public Task<int> Handle(MarkEnrollmentEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkDispatchedAsync(db, clock, EnrollmentOutbox.Table, request.EventIds, cancellationToken);
}
