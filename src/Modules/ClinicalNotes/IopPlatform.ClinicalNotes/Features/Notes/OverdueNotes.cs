namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>A note its author has not signed by its due time (no patient content: ids and times only).</summary>
internal sealed record OverdueNoteDto
{
    public required Guid NoteId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public Guid? SessionId { get; init; }

    public required string AuthorId { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset DueAt { get; init; }
}

/// <summary>Overdue notes of one author (default: the caller; supervisors may ask for anyone).</summary>
internal sealed record ListOverdueNotesQuery(string? AuthorId) : IRequest<IReadOnlyList<OverdueNoteDto>>;

/// <summary>Recurring job <c>clinical_notes:flag-overdue-notes</c>.</summary>
internal sealed record FlagOverdueNotesCommand : IRequest<Unit>;

/// <summary>
/// A note is overdue once its due time has passed and its author has not signed it. The job records a flag per note
/// with an insert that ignores duplicates, so reruns and concurrent servers announce each note exactly once.
/// </summary>
internal sealed class OverdueNotesHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<ListOverdueNotesQuery, IReadOnlyList<OverdueNoteDto>>, IRequestHandler<FlagOverdueNotesCommand, Unit>
{
    private const string Overdue = """
        SELECT n.id AS NoteId, n.enrollment_id AS EnrollmentId, n.session_id AS SessionId, n.author_id AS AuthorId, n.status AS Status, n.due_at AS DueAt
        FROM clinical_notes_note n
        WHERE n.signed_at IS NULL AND n.due_at < @Now AND n.author_id = @AuthorId
        ORDER BY n.due_at, n.id
        """;

    private const string Unflagged = """
        SELECT n.id AS NoteId, n.enrollment_id AS EnrollmentId, n.session_id AS SessionId, n.author_id AS AuthorId, n.status AS Status, n.due_at AS DueAt
        FROM clinical_notes_note n
        WHERE n.signed_at IS NULL AND n.due_at < @Now
          AND NOT EXISTS (SELECT 1 FROM clinical_notes_overdue_flag f WHERE f.note_id = n.id)
        ORDER BY n.due_at, n.id
        """;

    public async Task<IReadOnlyList<OverdueNoteDto>> Handle(ListOverdueNotesQuery request, CancellationToken cancellationToken)
    {
        var author = request.AuthorId ?? caller.ActorId;
        if (!string.Equals(author, caller.ActorId, StringComparison.Ordinal) && !caller.IsInRole(Roles.Supervisor) && !caller.IsInRole(Roles.Admin))
        {
            throw new ForbiddenException("Only supervisors list another clinician's overdue notes.");
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OverdueNoteDto>(new CommandDefinition(Overdue, new { Now = clock.GetUtcNow(), AuthorId = author }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<Unit> Handle(FlagOverdueNotesCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var insert = dialect.InsertIgnoreDuplicate("clinical_notes_overdue_flag", ["note_id", "author_id", "due_at", "flagged_at"], ["note_id"]);
        var announced = new List<NoteOverdue>();
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            var candidates = (await connection.QueryAsync<OverdueNoteDto>(new CommandDefinition(Unflagged, new { Now = now }, cancellationToken: cancellationToken))).AsList();
            foreach (var note in candidates)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                var inserted = await connection.ExecuteAsync(new CommandDefinition(insert, new { note.NoteId, note.AuthorId, note.DueAt, FlaggedAt = now }, tx, cancellationToken: cancellationToken));
                if (inserted == 1)
                {
                    var overdue = new NoteOverdue(note.NoteId, note.EnrollmentId, note.AuthorId, note.DueAt, now);
                    await NotesOutbox.WriteAsync(connection, tx, NotesOutbox.NoteOverdue, note.NoteId, overdue, now, cancellationToken);
                    announced.Add(overdue);
                }
                await tx.CommitAsync(cancellationToken);
            }
        }
        foreach (var overdue in announced)
        {
            await mediator.Publish(overdue, cancellationToken);
        }
        return Unit.Value;
    }
}

internal static class OverdueNotesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/notes/overdue", (IMediator mediator, CancellationToken ct, string? authorId = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListOverdueNotesQuery(authorId), ct), n => ListPage.Key(n.DueAt, n.NoteId)))
            .RequireRoles(Roles.Clinician, Roles.Supervisor, Roles.Admin)
            .WithName("ListOverdueNotes")
            .WithSummary("Overdue notes of a clinician")
            .WithDescription("Notes not signed by their due time (default 72 h after the session ends), oldest due first. Without authorId the caller's own; supervisors and admins may name another clinician.")
            .Produces<CursorPage<OverdueNoteDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
