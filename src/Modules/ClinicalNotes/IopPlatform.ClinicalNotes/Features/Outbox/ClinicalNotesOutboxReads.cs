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
    public Task<IReadOnlyList<ClinicalNotesOutboxEventDto>> Handle(GetPendingClinicalNotesEventsQuery request, CancellationToken cancellationToken) =>
        EventOutbox.PendingAsync<ClinicalNotesOutboxEventDto>(db, dialect, NotesOutbox.Table, request.Limit, cancellationToken);

    public Task<int> Handle(MarkClinicalNotesEventsDispatchedCommand request, CancellationToken cancellationToken) =>
        OutboxDispatch.MarkDispatchedAsync(db, clock, NotesOutbox.Table, request.EventIds, cancellationToken);
}
