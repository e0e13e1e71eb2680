using IopPlatform.ClinicalNotes.Features.Clinicians;

namespace IopPlatform.ClinicalNotes.Features.Notes;

internal sealed record SignNoteRequest(Guid NoteId, int Version) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "sign";

    public Guid? AuditPatientId => null;
}

internal sealed record CosignNoteRequest(Guid NoteId, int Version) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "cosign";

    public Guid? AuditPatientId => null;
}

/// <summary>A supervisor sends a pending note back to its author.</summary>
/// <param name="Comments">What to revise.</param>
internal sealed record ReturnNoteBody(string Comments);

internal sealed record ReturnNoteRequest(Guid NoteId, int Version, string Comments) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "return";

    public Guid? AuditPatientId => null;
}

internal sealed class ReturnNoteValidator : AbstractValidator<ReturnNoteRequest>
{
    public ReturnNoteValidator() => RuleFor(x => x.Comments).NotEmpty().MaximumLength(4000).OverridePropertyName("comments");
}

/// <summary>One signature event in a note's history.</summary>
internal sealed record SignatureDto
{
    public required Guid Id { get; init; }

    /// <summary><c>signed</c>, <c>submitted_for_cosign</c>, <c>cosigned</c> or <c>returned</c>.</summary>
    public required string Action { get; init; }

    public required string ActorId { get; init; }

    public required string ActorName { get; init; }

    public required string ActorCredentials { get; init; }

    public string? Comments { get; init; }

    public required DateTimeOffset At { get; init; }
}

/// <summary>
/// The signing lifecycle. An author who needs supervision signs into <c>pending_cosign</c> (not yet locked: the
/// supervisor may return it); everyone else's signature locks the note. A co-signature locks it too.
/// </summary>
internal sealed class NoteSigningHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options)
    : IRequestHandler<SignNoteRequest, NoteDto>, IRequestHandler<CosignNoteRequest, NoteDto>, IRequestHandler<ReturnNoteRequest, NoteDto>
{
    private const string Sign = """
        UPDATE clinical_notes_note SET status = @Status, locked = @Locked, signed_at = @Now, return_comments = NULL,
            cosign_due_at = @CosignDueAt, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string Cosign = """
        UPDATE clinical_notes_note SET status = @Status, locked = @Locked, cosigned_by = @ActorId, cosigned_at = @Now,
            version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string Return = """
        UPDATE clinical_notes_note SET status = @Status, return_comments = @Comments, signed_at = NULL, cosign_due_at = NULL, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertSignature = """
        INSERT INTO clinical_notes_signature (id, note_id, action, actor_id, actor_name, actor_credentials, comments, at)
        VALUES (@Id, @NoteId, @Action, @ActorId, @ActorName, @ActorCredentials, @Comments, @At)
        """;

    public async Task<NoteDto> Handle(SignNoteRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await LoadAsync(connection, request.NoteId, cancellationToken);
        if (!string.Equals(note.AuthorId, caller.ActorId, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the note's author may sign it; a supervisor co-signs at /cosign.");
        }
        NoteGuards.RequireEditableByAuthor(note, caller);
        RequireVersion(note, request.Version);
        var signer = await ClinicianStore.RequireAsync(connection, caller.ActorId, cancellationToken);
        var pending = signer.RequiresCosign;
        var status = pending ? NoteStatus.PendingCosign : NoteStatus.Signed;
        var now = clock.GetUtcNow();
        var signed = new NoteSigned(note.Id, note.EnrollmentId, note.PatientId, note.SessionId, status, caller.ActorId, now);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ChangeAsync(connection, tx, Sign, new { Status = status, Locked = !pending, Now = now, CosignDueAt = pending ? now.AddHours(options.CosignDueHours) : (DateTimeOffset?)null, note.Id, request.Version }, cancellationToken);
            await SignatureAsync(connection, tx, note.Id, pending ? "submitted_for_cosign" : "signed", signer, null, now, cancellationToken);
            await NotesOutbox.WriteAsync(connection, tx, NotesOutbox.NoteSigned, note.Id, signed, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        await mediator.Publish(signed, cancellationToken);
        return await NoteStore.ToDtoAsync(connection, await NoteStore.RequireAsync(connection, note.Id, cancellationToken), cancellationToken);
    }

    public async Task<NoteDto> Handle(CosignNoteRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var (note, supervisor) = await LoadPendingForSupervisorAsync(connection, request.NoteId, request.Version, cancellationToken);
        var now = clock.GetUtcNow();
        var signed = new NoteSigned(note.Id, note.EnrollmentId, note.PatientId, note.SessionId, NoteStatus.Cosigned, caller.ActorId, now);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ChangeAsync(connection, tx, Cosign, new { Status = NoteStatus.Cosigned, Locked = true, ActorId = caller.ActorId, Now = now, note.Id, request.Version }, cancellationToken);
            await SignatureAsync(connection, tx, note.Id, "cosigned", supervisor, null, now, cancellationToken);
            await NotesOutbox.WriteAsync(connection, tx, NotesOutbox.NoteSigned, note.Id, signed, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        await mediator.Publish(signed, cancellationToken);
        return await NoteStore.ToDtoAsync(connection, await NoteStore.RequireAsync(connection, note.Id, cancellationToken), cancellationToken);
    }

    public async Task<NoteDto> Handle(ReturnNoteRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var (note, supervisor) = await LoadPendingForSupervisorAsync(connection, request.NoteId, request.Version, cancellationToken);
        var now = clock.GetUtcNow();
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ChangeAsync(connection, tx, Return, new { Status = NoteStatus.Returned, Comments = request.Comments.Trim(), Now = now, note.Id, request.Version }, cancellationToken);
            await SignatureAsync(connection, tx, note.Id, "returned", supervisor, request.Comments.Trim(), now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        return await NoteStore.ToDtoAsync(connection, await NoteStore.RequireAsync(connection, note.Id, cancellationToken), cancellationToken);
    }

    private async Task<NoteRow> LoadAsync(DbConnection connection, Guid id, CancellationToken ct)
    {
        var note = await NoteStore.RequireAsync(connection, id, ct);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"note/{note.Id}");
        return note;
    }

    /// <summary>The note a supervisor other than its author co-signs or returns: pending co-signature, at the version read.</summary>
    private async Task<(NoteRow Note, ClinicianDto Supervisor)> LoadPendingForSupervisorAsync(DbConnection connection, Guid noteId, int version, CancellationToken ct)
    {
        var note = await LoadAsync(connection, noteId, ct);
        RequireOtherSupervisor(note);
        RequirePending(note);
        RequireVersion(note, version);
        return (note, await ClinicianStore.RequireAsync(connection, caller.ActorId, ct));
    }

    private void RequireOtherSupervisor(NoteRow note)
    {
        if (string.Equals(note.AuthorId, caller.ActorId, StringComparison.Ordinal))
        {
            throw new ForbiddenException("A supervisor cannot co-sign or return their own note.");
        }
    }

    private static void RequirePending(NoteRow note)
    {
        if (note.Status != NoteStatus.PendingCosign)
        {
            throw new ConflictException($"The note is {note.Status}; only a note pending co-signature can be co-signed or returned.");
        }
    }

    private static void RequireVersion(NoteRow note, int version)
    {
        if (note.Version != version)
        {
            throw new PreconditionFailedException($"The note is at version {note.Version}; read it again.");
        }
    }

    private static async Task ChangeAsync(DbConnection connection, DbTransaction tx, string sql, object args, CancellationToken ct)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct)) == 0)
        {
            throw new PreconditionFailedException("The note changed since you read it; read it again.");
        }
    }

    private static Task<int> SignatureAsync(DbConnection connection, DbTransaction tx, Guid noteId, string action, ClinicianDto who, string? comments, DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSignature, new
        {
            Id = Guid.CreateVersion7(),
            NoteId = noteId,
            Action = action,
            who.ActorId,
            ActorName = who.DisplayName,
            ActorCredentials = who.Credentials,
            Comments = comments,
            At = at,
        }, tx, cancellationToken: ct));
}

internal static class SignNoteEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/notes/{noteId:guid}/sign", async (Guid noteId, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new SignNoteRequest(noteId, ETag.RequireIfMatch(request)), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Ok(note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithName("SignNote")
            .WithSummary("Sign a note")
            .WithDescription("The author signs a draft or returned note (If-Match). It becomes signed and locked, or pending_cosign when the author practises under supervision. 403 for someone else's note; 409 when already signed.")
            .Produces<NoteDto>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapPost("/notes/{noteId:guid}/cosign", async (Guid noteId, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new CosignNoteRequest(noteId, ETag.RequireIfMatch(request)), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Ok(note);
            })
            .RequireRoles(NotesRoles.Cosigners)
            .WithName("CosignNote")
            .WithSummary("Co-sign a note")
            .WithDescription("A supervisor other than the author co-signs a note pending co-signature (If-Match); the note is then locked. 403 on your own note; 409 when it is not pending.")
            .Produces<NoteDto>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapPost("/notes/{noteId:guid}/return", async (Guid noteId, ReturnNoteBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new ReturnNoteRequest(noteId, ETag.RequireIfMatch(request), body.Comments), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Ok(note);
            })
            .RequireRoles(NotesRoles.Cosigners)
            .WithName("ReturnNote")
            .WithSummary("Return a note for revision")
            .WithDescription("A supervisor returns a note pending co-signature to its author with comments, before it is locked; the author revises and signs again.")
            .Accepts<ReturnNoteBody>("application/json")
            .Produces<NoteDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
