namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>A note not signed by its author, or not co-signed by a supervisor, by its due time (no patient content: ids and times only).</summary>
internal sealed record OverdueNoteDto
{
    public required Guid NoteId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public Guid? SessionId { get; init; }

    public required string AuthorId { get; init; }

    public required string Status { get; init; }

    /// <summary>What is overdue: <c>signature</c> (the author's, by <c>dueAt</c>) or <c>cosignature</c> (a supervisor's, by the note's <c>cosignDueAt</c>).</summary>
    public required string Overdue { get; init; }

    /// <summary>When the missing signature was due (UTC).</summary>
    public required DateTimeOffset DueAt { get; init; }
}

internal sealed class OverdueRow
{
    public Guid NoteId { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid? SessionId { get; init; }

    public string AuthorId { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string Overdue { get; init; } = string.Empty;

    public DateTimeOffset? DueAt { get; init; }

    public DateTimeOffset? SignedAt { get; init; }
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
    // A pending note already carries its author's signature, so it is never overdue as unsigned: its own deadline is
    // the co-signature's (notes pending before migration 0011 have none stored and take the default from signed_at).
    private const string Overdue = """
        SELECT n.id AS NoteId, n.enrollment_id AS EnrollmentId, n.session_id AS SessionId, n.author_id AS AuthorId, n.status AS Status,
            'signature' AS Overdue, n.due_at AS DueAt, n.signed_at AS SignedAt
        FROM clinical_notes_note n
        WHERE n.signed_at IS NULL AND n.due_at < @Now AND n.author_id = @AuthorId
        UNION ALL
        SELECT n.id AS NoteId, n.enrollment_id AS EnrollmentId, n.session_id AS SessionId, n.author_id AS AuthorId, n.status AS Status,
            'cosignature' AS Overdue, n.cosign_due_at AS DueAt, n.signed_at AS SignedAt
        FROM clinical_notes_note n
        WHERE n.status = 'pending_cosign' AND n.author_id = @AuthorId
          AND (n.cosign_due_at < @Now OR (n.cosign_due_at IS NULL AND n.signed_at < @LegacySignedBefore))
        """;

    private const string Unflagged = """
        SELECT n.id AS NoteId, n.enrollment_id AS EnrollmentId, n.session_id AS SessionId, n.author_id AS AuthorId, n.status AS Status,
            'signature' AS Overdue, n.due_at AS DueAt
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
        var now = clock.GetUtcNow();
        var rows = await connection.QueryAsync<OverdueRow>(new CommandDefinition(Overdue, new
        {
            Now = now,
            AuthorId = author,
            LegacySignedBefore = now.AddHours(-ClinicalNotesOptions.DefaultCosignDueHours),
        }, cancellationToken: cancellationToken));
        return rows
            .Select(r => new OverdueNoteDto
            {
                NoteId = r.NoteId,
                EnrollmentId = r.EnrollmentId,
                SessionId = r.SessionId,
                AuthorId = r.AuthorId,
                Status = r.Status,
                Overdue = r.Overdue,
                DueAt = r.DueAt ?? r.SignedAt!.Value.AddHours(ClinicalNotesOptions.DefaultCosignDueHours),
            })
            .OrderBy(r => r.DueAt).ThenBy(r => r.NoteId).ToList();
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
            .WithDescription("Notes not signed by their author by their due time (default 72 h after the session ends; overdue = signature) and notes pending co-signature past their co-signature deadline (default 72 h after the author signed; overdue = cosignature), oldest due first. Without authorId the caller's own; supervisors and admins may name another clinician.")
            .Produces<CursorPage<OverdueNoteDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
