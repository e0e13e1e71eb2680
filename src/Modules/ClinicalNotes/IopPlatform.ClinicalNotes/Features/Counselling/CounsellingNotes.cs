namespace IopPlatform.ClinicalNotes.Features.Counselling;

/// <summary>A SUD-counselling or psychotherapy note: stored apart, readable by its author and clinicians they authorise.</summary>
internal sealed record CounsellingNoteDto
{
    public required Guid Id { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required string AuthorId { get; init; }

    public required string AuthorName { get; init; }

    public required DateOnly ServiceDate { get; init; }

    public required string Text { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A counselling note.</summary>
/// <param name="ServiceDate">Date of the counselling session.</param>
/// <param name="Text">The note.</param>
internal sealed record CreateCounsellingNoteBody(DateOnly ServiceDate, string Text);

/// <summary>Authorises another clinician to read the note.</summary>
/// <param name="ClinicianId">Staff id of the clinician.</param>
internal sealed record GrantCounsellingAccessBody(string ClinicianId);

internal sealed record CreateCounsellingNoteRequest(Guid EnrollmentId, CreateCounsellingNoteBody Body) : IRequest<CounsellingNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.CounsellingNote;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed record GetCounsellingNoteQuery(Guid NoteId) : IRequest<CounsellingNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.CounsellingNote;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed record ListCounsellingNotesQuery(Guid EnrollmentId) : IRequest<IReadOnlyList<CounsellingNoteDto>>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.CounsellingNote;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed record GrantCounsellingAccessRequest(Guid NoteId, string ClinicianId) : IRequest<Unit>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.CounsellingNote;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class CreateCounsellingNoteValidator : AbstractValidator<CreateCounsellingNoteRequest>
{
    public CreateCounsellingNoteValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.Text).NotEmpty().MaximumLength(NoteFormats.MaxSectionLength).OverridePropertyName("text");
        RuleFor(x => x.Body.ServiceDate).Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(1)))
            .WithMessage("serviceDate cannot be in the future.").OverridePropertyName("serviceDate");
    }
}

internal sealed class GrantCounsellingAccessValidator : AbstractValidator<GrantCounsellingAccessRequest>
{
    public GrantCounsellingAccessValidator() => RuleFor(x => x.ClinicianId).NotEmpty().MaximumLength(200).OverridePropertyName("clinicianId");
}

/// <summary>
/// Counselling notes never leave their own table through any other read: progress-note lists, partner reads and
/// exports do not touch it. A caller who may not read one gets the same 404 as for a missing note.
/// </summary>
internal sealed class CounsellingNotesHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<CreateCounsellingNoteRequest, CounsellingNoteDto>,
      IRequestHandler<GetCounsellingNoteQuery, CounsellingNoteDto>,
      IRequestHandler<ListCounsellingNotesQuery, IReadOnlyList<CounsellingNoteDto>>,
      IRequestHandler<GrantCounsellingAccessRequest, Unit>
{
    private const string Columns = """
        c.id AS Id, c.enrollment_id AS EnrollmentId, c.patient_id AS PatientId, c.author_id AS AuthorId, c.author_name AS AuthorName,
        c.service_date AS ServiceDate, c.text AS Text, c.created_at AS CreatedAt
        """;

    private const string Readable = """
        (c.author_id = @ActorId OR EXISTS (SELECT 1 FROM clinical_notes_counselling_access a WHERE a.note_id = c.id AND a.clinician_id = @ActorId))
        """;

    private const string Insert = """
        INSERT INTO clinical_notes_counselling_note (id, enrollment_id, patient_id, author_id, author_name, text, service_date, created_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @AuthorId, @AuthorName, @Text, @ServiceDate, @CreatedAt)
        """;

    private const string SelectOne = $"SELECT {Columns} FROM clinical_notes_counselling_note c WHERE c.id = @Id AND {Readable}";

    private const string SelectForEnrollment = $"SELECT {Columns} FROM clinical_notes_counselling_note c WHERE c.enrollment_id = @EnrollmentId AND {Readable} ORDER BY c.id";

    private const string InsertAccess = """
        INSERT INTO clinical_notes_counselling_access (note_id, clinician_id, granted_by, granted_at)
        VALUES (@NoteId, @ClinicianId, @GrantedBy, @GrantedAt)
        """;

    private const string HasAccess = "SELECT COUNT(*) FROM clinical_notes_counselling_access WHERE note_id = @NoteId AND clinician_id = @ClinicianId";

    public async Task<CounsellingNoteDto> Handle(CreateCounsellingNoteRequest request, CancellationToken cancellationToken)
    {
        RequireStaffClinician();
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            request.EnrollmentId,
            profile.PatientId,
            AuthorId = caller.ActorId,
            AuthorName = caller.ActorName ?? caller.ActorId,
            request.Body.Text,
            request.Body.ServiceDate,
            CreatedAt = clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        audit.Resource($"counselling-note/{id}");
        return await ReadAsync(connection, id, cancellationToken);
    }

    public async Task<CounsellingNoteDto> Handle(GetCounsellingNoteQuery request, CancellationToken cancellationToken)
    {
        RequireStaffClinician(request.NoteId);
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await ReadAsync(connection, request.NoteId, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"counselling-note/{note.Id}");
        return note;
    }

    public async Task<IReadOnlyList<CounsellingNoteDto>> Handle(ListCounsellingNotesQuery request, CancellationToken cancellationToken)
    {
        RequireStaffClinician(request.EnrollmentId);
        await using var connection = await db.OpenAsync(cancellationToken);
        var notes = (await connection.QueryAsync<CounsellingNoteDto>(new CommandDefinition(SelectForEnrollment, new { request.EnrollmentId, caller.ActorId }, cancellationToken: cancellationToken))).AsList();
        foreach (var patientId in notes.Select(n => n.PatientId).Distinct())
        {
            audit.TouchedPatient(patientId);
        }
        return notes;
    }

    public async Task<Unit> Handle(GrantCounsellingAccessRequest request, CancellationToken cancellationToken)
    {
        RequireStaffClinician(request.NoteId);
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await ReadAsync(connection, request.NoteId, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"counselling-note/{note.Id}");
        if (!string.Equals(note.AuthorId, caller.ActorId, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the note's author authorises other clinicians to read it.");
        }
        var args = new { NoteId = note.Id, request.ClinicianId, GrantedBy = caller.ActorId, GrantedAt = clock.GetUtcNow() };
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(HasAccess, args, cancellationToken: cancellationToken)) == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertAccess, args, cancellationToken: cancellationToken));
        }
        return Unit.Value;
    }

    private async Task<CounsellingNoteDto> ReadAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<CounsellingNoteDto>(new CommandDefinition(SelectOne, new { Id = id, caller.ActorId }, cancellationToken: ct))
        ?? throw new NotFoundException("Counselling note", id);

    /// <summary>An API client never reaches a counselling note, whatever roles its key carries.</summary>
    private void RequireStaffClinician(Guid? id = null)
    {
        if (caller.IsExternalRecipient())
        {
            throw new NotFoundException("Counselling note", id?.ToString() ?? "new");
        }
    }
}

internal static class CounsellingNotesEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/enrollments/{enrollmentId:guid}/counselling-notes", async (Guid enrollmentId, CreateCounsellingNoteBody body, IMediator mediator, CancellationToken ct) =>
            {
                var note = await mediator.Send(new CreateCounsellingNoteRequest(enrollmentId, body), ct);
                return TypedResults.Created($"/api/v1/counselling-notes/{note.Id}", note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("CreateCounsellingNote")
            .WithSummary("Write a counselling (psychotherapy) note")
            .WithDescription("SUD-counselling and psychotherapy notes are stored apart from progress notes, readable only by their author and clinicians the author authorises; never returned to partner apps nor included in exports.")
            .Accepts<CreateCounsellingNoteBody>("application/json")
            .Produces<CounsellingNoteDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/counselling-notes/{noteId:guid}", (Guid noteId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetCounsellingNoteQuery(noteId), ct))
            .RequireRoles(NotesRoles.Writers)
            .WithName("GetCounsellingNote")
            .WithSummary("Read a counselling note")
            .WithDescription("Only the author and clinicians the author authorised; anyone else gets 404.")
            .Produces<CounsellingNoteDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/enrollments/{enrollmentId:guid}/counselling-notes", (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListCounsellingNotesQuery(enrollmentId), ct), n => ListPage.Key(n.Id)))
            .RequireRoles(NotesRoles.Writers)
            .WithName("ListCounsellingNotes")
            .WithSummary("List the counselling notes you may read")
            .WithDescription("The enrollment's counselling notes the caller wrote or was authorised to read.")
            .Produces<CursorPage<CounsellingNoteDto>>()
            .ProducesValidationProblem();

        group.MapPost("/counselling-notes/{noteId:guid}/access", async (Guid noteId, GrantCounsellingAccessBody body, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new GrantCounsellingAccessRequest(noteId, body.ClinicianId), ct);
                return TypedResults.NoContent();
            })
            .RequireRoles(NotesRoles.Writers)
            .WithName("GrantCounsellingNoteAccess")
            .WithSummary("Authorise a clinician to read a counselling note")
            .WithDescription("The author names a clinician who may read the note.")
            .Accepts<GrantCounsellingAccessBody>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
