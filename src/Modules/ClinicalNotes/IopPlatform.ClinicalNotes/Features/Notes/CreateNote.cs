using IopPlatform.BuildingBlocks.Time;
using IopPlatform.ClinicalNotes.Features.Clinicians;

namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>A new progress note (a draft until its author signs it).</summary>
/// <param name="Kind"><c>individual</c>, <c>family</c>, <c>intake</c> or <c>discharge_summary</c> (group notes: POST /group-notes).</param>
/// <param name="Format"><c>soap</c>, <c>dap</c>, <c>birp</c> or <c>girp</c>.</param>
/// <param name="Sections">The format's named sections, all required.</param>
/// <param name="SessionId">The session documented; the patient must have attended it.</param>
/// <param name="ServiceDate">Date of service; taken from the session when omitted.</param>
/// <param name="StartTime">Start of service (local); from the session when omitted.</param>
/// <param name="EndTime">End of service (local); from the session when omitted.</param>
/// <param name="GoalIds">Treatment-plan goals the note addresses.</param>
internal sealed record CreateNoteBody(
    string Kind,
    string Format,
    Dictionary<string, string>? Sections,
    Guid? SessionId = null,
    DateOnly? ServiceDate = null,
    TimeOnly? StartTime = null,
    TimeOnly? EndTime = null,
    IReadOnlyList<Guid>? GoalIds = null);

internal sealed record CreateNoteRequest(Guid EnrollmentId, CreateNoteBody Body) : IRequest<NoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class CreateNoteValidator : AbstractValidator<CreateNoteRequest>
{
    public CreateNoteValidator()
    {
        RuleFor(x => x.Body.Kind).Must(k => k is not null && NoteKinds.Single.Contains(k))
            .WithMessage($"kind must be one of {string.Join(", ", NoteKinds.Single)}; group notes are written at POST /api/v1/group-notes.")
            .OverridePropertyName("kind");
        RuleFor(x => x.Body.Format).Must(f => f is not null && NoteFormats.Sections.ContainsKey(f))
            .WithMessage("format must be soap, dap, birp or girp.").OverridePropertyName("format");
        RuleFor(x => x.Body).Custom((body, context) =>
        {
            foreach (var (field, message) in NoteFormats.Validate(body.Format, body.Sections))
            {
                context.AddFailure(new ValidationFailure(field, message));
            }
            if (body.SessionId is null && (body.ServiceDate is null || body.StartTime is null || body.EndTime is null))
            {
                context.AddFailure(new ValidationFailure("serviceDate", "serviceDate, startTime and endTime are required when the note documents no session."));
            }
            if (body.StartTime is { } start && body.EndTime is { } end && end <= start)
            {
                context.AddFailure(new ValidationFailure("endTime", "endTime must be after startTime."));
            }
        });
    }
}

internal sealed class CreateNoteHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options)
    : IRequestHandler<CreateNoteRequest, NoteDto>
{
    public async Task<NoteDto> Handle(CreateNoteRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var now = clock.GetUtcNow();
        DateOnly serviceDate;
        TimeOnly start, end;
        DateTimeOffset dueAt;
        if (body.SessionId is { } sessionId)
        {
            var (session, attendance) = await SessionLink.LoadAsync(mediator, sessionId, [request.EnrollmentId], cancellationToken);
            attendance.TryGetValue(request.EnrollmentId, out var item);
            var link = new SessionLink(session, item?.Status, profile.PatientId);
            if (!link.WasAttended)
            {
                throw new UnprocessableException(item is null
                    ? $"The patient was not booked into session '{sessionId}'; a note documents a session the patient attended."
                    : $"The patient's attendance at session '{sessionId}' is '{item.Status ?? "not recorded"}'; a note documents a session the patient attended.");
            }
            var local = link.LocalTimes();
            serviceDate = body.ServiceDate ?? local.Date;
            start = body.StartTime ?? local.Start;
            end = body.EndTime ?? local.End;
            dueAt = session.EndsAt.AddHours(options.NoteDueHours);
        }
        else
        {
            serviceDate = body.ServiceDate!.Value;
            start = body.StartTime!.Value;
            end = body.EndTime!.Value;
            // Without a session the service end is wall-clock time at the program's site (issue 18 item 8), like a session's.
            dueAt = ZonedTime.ToUtc(serviceDate, end, await SiteZoneAsync(profile.ProgramId, cancellationToken)).AddHours(options.NoteDueHours);
        }

        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        var author = await ClinicianStore.RequireAsync(connection, caller.ActorId, cancellationToken);
        await NoteStore.RequireGoalsAsync(connection, request.EnrollmentId, body.GoalIds, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(NoteStore.InsertNote, new
        {
            Id = id,
            request.EnrollmentId,
            profile.PatientId,
            body.Kind,
            body.Format,
            body.SessionId,
            GroupNoteId = (Guid?)null,
            ServiceDate = serviceDate,
            StartTime = start,
            EndTime = end,
            Sections = NotesJson.Write(body.Sections),
            GoalIds = NotesJson.Write((body.GoalIds ?? []).Distinct().ToList()),
            Status = NoteStatus.Draft,
            Locked = false,
            AuthorId = author.ActorId,
            AuthorName = author.DisplayName,
            AuthorCredentials = author.Credentials,
            author.RequiresCosign,
            DueAt = dueAt,
            Now = now,
        }, cancellationToken: cancellationToken));
        audit.Resource($"note/{id}");
        return await NoteStore.ToDtoAsync(connection, await NoteStore.RequireAsync(connection, id, cancellationToken), cancellationToken);
    }

    private async Task<TimeZoneInfo> SiteZoneAsync(Guid programId, CancellationToken ct)
    {
        var program = await mediator.Send(new GetProgramQuery(programId), ct);
        var site = program is null ? null : await mediator.Send(new GetSiteQuery(program.SiteId), ct);
        return ZonedTime.ZoneOrUtc(site?.TimeZone);
    }
}

internal static class CreateNoteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/notes", async (Guid enrollmentId, CreateNoteBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var note = await mediator.Send(new CreateNoteRequest(enrollmentId, body), ct);
                ETag.Set(response, note.Version);
                return TypedResults.Created($"/api/v1/notes/{note.Id}", note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("CreateNote")
            .WithSummary("Write a progress note (draft)")
            .WithDescription("Creates a draft SOAP, DAP, BIRP or GIRP note with all of its format's sections, linked to the session it documents (the patient must have attended: 422 otherwise) and to the treatment-plan goals it addresses. The author's credentials are taken from the clinician registry. The note is due a configurable time (default 72 h) after the session ends.")
            .Accepts<CreateNoteBody>("application/json")
            .Produces<NoteDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
