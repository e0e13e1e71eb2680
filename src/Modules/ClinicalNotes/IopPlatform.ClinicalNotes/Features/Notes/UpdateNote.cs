using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>A revision of a draft (or returned) note; the format's sections are all required.</summary>
/// <param name="Sections">The sections of the note's format.</param>
/// <param name="GoalIds">Treatment-plan goals the note addresses.</param>
/// <param name="StartTime">Start of service, when corrected.</param>
/// <param name="EndTime">End of service, when corrected.</param>
internal sealed record UpdateNoteBody(Dictionary<string, string>? Sections, IReadOnlyList<Guid>? GoalIds = null, TimeOnly? StartTime = null, TimeOnly? EndTime = null);

internal sealed record UpdateNoteRequest(Guid NoteId, int Version, UpdateNoteBody Body) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class UpdateNoteValidator : AbstractValidator<UpdateNoteRequest>
{
    public UpdateNoteValidator()
    {
        RuleFor(x => x.Body.Sections).NotNull().OverridePropertyName("sections");
        RuleFor(x => x.Body).Must(b => b.StartTime is null || b.EndTime is null || b.EndTime > b.StartTime)
            .WithMessage("endTime must be after startTime.").OverridePropertyName("endTime");
    }
}

/// <summary>The sections against the note's own format (SOAP, DAP, BIRP, GIRP), once the caller may edit it.</summary>
internal sealed class UpdateNoteSectionsValidator : AbstractValidator<UpdateNoteRequest>, IStoredDataValidator
{
    public UpdateNoteSectionsValidator(IDbConnectionFactory db, ICurrentCaller caller, IAuditScope audit) =>
        RuleFor(x => x).CustomAsync(async (request, context, ct) =>
        {
            await using var connection = await db.OpenAsync(ct);
            NoteRow note;
            try
            {
                note = await NoteStore.RequireAsync(connection, request.NoteId, ct);
            }
            catch (NotFoundException)
            {
                // The handler answers the 404.
                return;
            }
            audit.TouchedPatient(note.PatientId);
            audit.Resource($"note/{note.Id}");
            if (!NoteGuards.IsEditableBy(note, caller))
            {
                return;
            }
            foreach (var error in NoteFormats.Validate(note.Format, request.Body.Sections))
            {
                context.AddFailure(new ValidationFailure(error.Field, error.Message));
            }
        });
}

internal sealed class UpdateNoteHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<UpdateNoteRequest, NoteDto>
{
    private const string Update = """
        UPDATE clinical_notes_note SET sections = @Sections, goal_ids = @GoalIds, start_time = @StartTime, end_time = @EndTime,
            version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    public async Task<NoteDto> Handle(UpdateNoteRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var note = await NoteStore.RequireAsync(connection, request.NoteId, cancellationToken);
        audit.TouchedPatient(note.PatientId);
        audit.Resource($"note/{note.Id}");
        NoteGuards.RequireEditableByAuthor(note, caller);
        if (note.Version != request.Version)
        {
            throw new PreconditionFailedException($"The note is at version {note.Version}; read it again before changing it.");
        }
        await NoteStore.RequireGoalsAsync(connection, note.EnrollmentId, request.Body.GoalIds, cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            Id = note.Id,
            request.Version,
            Sections = NotesJson.Write(request.Body.Sections),
            GoalIds = NotesJson.Write((request.Body.GoalIds ?? []).Distinct().ToList()),
            StartTime = request.Body.StartTime ?? note.StartTime,
            EndTime = request.Body.EndTime ?? note.EndTime,
            Now = clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            throw new PreconditionFailedException("The note changed since you read it; read it again before changing it.");
        }
        return await NoteStore.ToDtoAsync(connection, await NoteStore.RequireAsync(connection, note.Id, cancellationToken), cancellationToken);
    }
}

internal static class NoteGuards
{
    public static bool IsEditableBy(NoteRow note, ICurrentCaller caller) =>
        NoteStatus.IsEditable(note.Status) && string.Equals(note.AuthorId, caller.ActorId, StringComparison.Ordinal);

    /// <summary>Only the author edits or signs, and only while the note is a draft or was returned for revision.</summary>
    public static void RequireEditableByAuthor(NoteRow note, ICurrentCaller caller)
    {
        if (!NoteStatus.IsEditable(note.Status))
        {
            throw new ConflictException(note.Locked
                ? $"The note is {note.Status} and locked; add an addendum, late entry, amendment or entered-in-error entry instead."
                : $"The note is {note.Status}; it cannot be changed until a supervisor returns it.");
        }
        if (!string.Equals(note.AuthorId, caller.ActorId, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the note's author may change or sign it.");
        }
    }
}

internal static class UpdateNoteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/notes/{noteId:guid}", async (Guid noteId, UpdateNoteBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new UpdateNoteRequest(noteId, ETag.RequireIfMatch(request), body), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Ok(note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithName("UpdateNote")
            .WithSummary("Revise a draft note")
            .WithDescription("The author revises a draft or returned note with If-Match. A signed, pending or co-signed note answers 409 (locked notes are also refused by the database); someone else's note 403.")
            .Accepts<UpdateNoteBody>("application/json")
            .Produces<NoteDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
