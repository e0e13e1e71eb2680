using IopPlatform.ClinicalNotes.Features.Clinicians;

namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>A linked entry on a locked note. Its time is the server's clock: entries are never backdated.</summary>
/// <param name="Kind"><c>addendum</c>, <c>late_entry</c>, <c>amendment</c> or <c>entered_in_error</c>.</param>
/// <param name="Reason">Why the entry is made (mandatory).</param>
/// <param name="Text">The entry's content.</param>
/// <param name="OccurredAt">For a late entry: when the documented care happened (not in the future).</param>
internal sealed record AddNoteEntryBody(string Kind, string Reason, string Text, DateTimeOffset? OccurredAt = null);

internal sealed record AddNoteEntryRequest(Guid NoteId, AddNoteEntryBody Body) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class AddNoteEntryValidator : AbstractValidator<AddNoteEntryRequest>
{
    public AddNoteEntryValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.Kind).Must(k => k is not null && EntryKinds.All.Contains(k))
            .WithMessage($"kind must be one of {string.Join(", ", EntryKinds.All)}.").OverridePropertyName("kind");
        RuleFor(x => x.Body.Reason).NotEmpty().WithMessage("A reason is required for every entry on a signed note.").MaximumLength(2000).OverridePropertyName("reason");
        RuleFor(x => x.Body.Text).NotEmpty().MaximumLength(NoteFormats.MaxSectionLength).OverridePropertyName("text");
        RuleFor(x => x.Body.OccurredAt).NotNull().When(x => x.Body.Kind == EntryKinds.LateEntry)
            .WithMessage("A late entry says when the documented care happened.").OverridePropertyName("occurredAt");
        RuleFor(x => x.Body.OccurredAt).Must(at => at is null || at <= clock.GetUtcNow())
            .WithMessage("occurredAt cannot be in the future.").OverridePropertyName("occurredAt");
        RuleFor(x => x.Body.OccurredAt).Null().When(x => x.Body.Kind != EntryKinds.LateEntry)
            .WithMessage("Only a late entry has occurredAt.").OverridePropertyName("occurredAt");
    }
}

internal sealed class AddNoteEntryHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<AddNoteEntryRequest, NoteDto>
{
    private const string Insert = """
        INSERT INTO clinical_notes_entry (id, note_id, kind, reason, text, occurred_at, author_id, author_name, author_credentials, entered_at)
        VALUES (@Id, @NoteId, @Kind, @Reason, @Text, @OccurredAt, @AuthorId, @AuthorName, @AuthorCredentials, @EnteredAt)
        """;

    private const string AlreadyInError = "SELECT COUNT(*) FROM clinical_notes_entry WHERE note_id = @NoteId AND kind = @Kind";

    public async Task<NoteDto> Handle(AddNoteEntryRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await NoteStore.RequireAsync(connection, request.NoteId, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"note/{note.Id}");
        if (!note.Locked)
        {
            throw new ConflictException($"The note is {note.Status} and not locked; its author edits it directly.");
        }
        if (request.Body.Kind == EntryKinds.EnteredInError
            && await connection.ExecuteScalarAsync<long>(new CommandDefinition(AlreadyInError, new { NoteId = note.Id, Kind = EntryKinds.EnteredInError }, cancellationToken: cancellationToken)) > 0)
        {
            throw new ConflictException("The note is already marked entered in error.");
        }
        var author = await ClinicianStore.RequireAsync(connection, caller.ActorId, cancellationToken);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var addended = new NoteAddended(note.Id, id, note.EnrollmentId, note.PatientId, request.Body.Kind, now);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, new
            {
                Id = id,
                NoteId = note.Id,
                request.Body.Kind,
                Reason = request.Body.Reason.Trim(),
                request.Body.Text,
                request.Body.OccurredAt,
                AuthorId = author.ActorId,
                AuthorName = author.DisplayName,
                AuthorCredentials = author.Credentials,
                EnteredAt = now,
            }, tx, cancellationToken: cancellationToken));
            await NotesOutbox.WriteAsync(connection, tx, NotesOutbox.NoteAddended, note.Id, addended, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        await mediator.Publish(addended, cancellationToken);
        return await NoteStore.ToDtoAsync(connection, note, cancellationToken);
    }
}

internal static class AddNoteEntryEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/notes/{noteId:guid}/entries", async (Guid noteId, AddNoteEntryBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new AddNoteEntryRequest(noteId, body), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Created($"/api/v1/notes/{note.Id}", note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("AddNoteEntry")
            .WithSummary("Add an addendum, late entry, amendment or entered-in-error entry")
            .WithDescription("Adds a linked entry to a locked note with its author, the current server time (never backdated) and a mandatory reason; the original note stays byte-for-byte as signed. A late entry says when the care happened (not in the future). 409 on a note that is not locked.")
            .Accepts<AddNoteEntryBody>("application/json")
            .Produces<NoteDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
