namespace IopPlatform.ClinicalNotes.Features.Notes;

internal sealed record GetNoteQuery(Guid NoteId) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed record ListNotesQuery(Guid EnrollmentId, string? Cursor, int Limit, bool NewestFirst = false) : IRequest<CursorPage<NoteDto>>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed record GetSignaturesQuery(Guid NoteId) : IRequest<IReadOnlyList<SignatureDto>>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListNotesValidator : AbstractValidator<ListNotesQuery>
{
    public ListNotesValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit).OverridePropertyName("limit");
}

/// <summary>
/// Reads of progress notes. Partner apps see only locked notes of patients whose consent covers
/// <c>clinical_note</c>; anything else is a 404 indistinguishable from a missing note.
/// </summary>
internal sealed class ReadNotesHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<GetNoteQuery, NoteDto>, IRequestHandler<ListNotesQuery, CursorPage<NoteDto>>, IRequestHandler<GetSignaturesQuery, IReadOnlyList<SignatureDto>>
{
    private const string Signatures = """
        SELECT id AS Id, action AS Action, actor_id AS ActorId, actor_name AS ActorName, actor_credentials AS ActorCredentials,
               comments AS Comments, at AS At
        FROM clinical_notes_signature WHERE note_id = @NoteId ORDER BY at, id
        """;

    public async Task<NoteDto> Handle(GetNoteQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await NoteStore.RequireAsync(connection, request.NoteId, cancellationToken);
        if (NotesRoles.IsPartner(caller) && !note.Locked)
        {
            throw new NotFoundException("Note", request.NoteId);
        }
        var dto = await NoteStore.ToDtoAsync(connection, note, cancellationToken);
        await mediator.Send(new DiscloseRecordsCommand(note.PatientId, InformationCategories.ClinicalNote, [$"note/{note.Id}"]) { RefusedAs = new("Note", request.NoteId) }, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"note/{note.Id}");
        return dto;
    }

    public async Task<CursorPage<NoteDto>> Handle(ListNotesQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var profile = await mediator.Send(new Enrollment.Contracts.GetEnrollmentClinicalProfileQuery(request.EnrollmentId), cancellationToken)
            ?? throw new NotFoundException("Enrollment", request.EnrollmentId);
        audit.TouchedPatient(profile.PatientId);
        var where = "n.enrollment_id = @EnrollmentId";
        if (after is not null)
        {
            where += request.NewestFirst ? " AND n.id < @After" : " AND n.id > @After";
        }
        if (NotesRoles.IsPartner(caller))
        {
            where += " AND n.locked = @Yes";
        }
        var sql = $"SELECT {NoteStore.Columns} FROM clinical_notes_note n WHERE {where} ORDER BY n.id{(request.NewestFirst ? " DESC" : string.Empty)} {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<NoteRow>(new CommandDefinition(sql, new { request.EnrollmentId, After = after, Yes = true, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var page = Cursor.Page(rows, request.Limit, r => r.Id);
        var dtos = await NoteStore.ToDtosAsync(connection, page.Items, cancellationToken);
        await mediator.Send(new DiscloseRecordsCommand(profile.PatientId, InformationCategories.ClinicalNote, [.. page.Items.Select(n => $"note/{n.Id}")]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        return new CursorPage<NoteDto>(dtos, page.NextCursor);
    }

    public async Task<IReadOnlyList<SignatureDto>> Handle(GetSignaturesQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await NoteStore.RequireAsync(connection, request.NoteId, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"note/{note.Id}/signatures");
        return (await connection.QueryAsync<SignatureDto>(new CommandDefinition(Signatures, new { NoteId = note.Id }, cancellationToken: cancellationToken))).AsList();
    }
}

internal static class ReadNotesEndpoint
{
    /// <summary>By creation (the time-ordered id), oldest or newest first.</summary>
    private static readonly ListSort NotesSort = new(["created", "-created"]);

    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/notes/{noteId:guid}", async (Guid noteId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new GetNoteQuery(noteId), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Ok(note);
            })
            .RequireRoles(NotesRoles.NoteReaders)
            .DisclosesPatientRecords(InformationCategories.ClinicalNote)
            .WithName("GetNote")
            .WithSummary("Read a progress note")
            .WithDescription("A note with its linked entries. Partner apps receive only signed (locked) notes of patients whose consent covers clinical_note; otherwise 404. " +
                             "Partners send X-Purpose-Of-Use; their responses carry X-Redisclosure-Notice and X-Consent-Scope (42 CFR §2.32) and each note read is accounted for.")
            .Produces<NoteDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/enrollments/{enrollmentId:guid}/notes", (Guid enrollmentId, IMediator mediator, CancellationToken ct, string? cursor = null, int limit = Cursor.DefaultLimit, string? sort = null) =>
                mediator.Send(new ListNotesQuery(enrollmentId, cursor, limit, ListSort.IsDescending(NotesSort.Parse(sort))), ct))
            .WithSort(NotesSort)
            .RequireRoles(NotesRoles.NoteReaders)
            .DisclosesPatientRecords(InformationCategories.ClinicalNote)
            .WithName("ListNotes")
            .WithSummary("List an enrollment's progress notes")
            .WithDescription("Keyset-paginated, oldest first (sort=-created: newest first). Partner apps see only locked notes and only under a consent covering clinical_note (404 otherwise); an empty page discloses nothing and is not accounted, " +
                             "other pages carry the §2.32 headers and one accounting entry naming the notes. Counselling notes are never listed here.")
            .Produces<CursorPage<NoteDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/notes/{noteId:guid}/signatures", (Guid noteId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetSignaturesQuery(noteId), ct), s => ListPage.Key(s.At, s.Id)))
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetNoteSignatures")
            .WithSummary("A note's signature history")
            .WithDescription("Every signature, submission for co-signature, co-signature and return, with who (name and credentials), when and the supervisor's comments.")
            .Produces<CursorPage<SignatureDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
