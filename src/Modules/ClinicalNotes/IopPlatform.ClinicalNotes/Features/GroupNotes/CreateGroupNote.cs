using IopPlatform.BuildingBlocks.Messaging;
using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Notes;

namespace IopPlatform.ClinicalNotes.Features.GroupNotes;

/// <summary>A group note for one session.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Format"><c>soap</c>, <c>dap</c>, <c>birp</c> or <c>girp</c>.</param>
/// <param name="Shared">The shared section.</param>
/// <param name="Members">The members documented, attendees and absentees.</param>
internal sealed record CreateGroupNoteBody(Guid SessionId, string Format, GroupSharedSection? Shared, IReadOnlyList<GroupMemberBody>? Members);

internal sealed record CreateGroupNoteRequest(CreateGroupNoteBody Body) : IRequest<GroupNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class CreateGroupNoteValidator : AbstractValidator<CreateGroupNoteRequest>
{
    public CreateGroupNoteValidator()
    {
        RuleFor(x => x.Body.SessionId).NotEmpty().OverridePropertyName("sessionId");
        RuleFor(x => x.Body.Format).Must(f => f is not null && NoteFormats.Sections.ContainsKey(f))
            .WithMessage("format must be soap, dap, birp or girp.").OverridePropertyName("format");
        RuleFor(x => x.Body.Shared).NotNull().OverridePropertyName("shared");
        RuleFor(x => x.Body.Shared!.Topic).NotEmpty().MaximumLength(500).OverridePropertyName("shared.topic").When(x => x.Body.Shared is not null);
        RuleFor(x => x.Body.Shared!.Modality).NotEmpty().MaximumLength(200).OverridePropertyName("shared.modality").When(x => x.Body.Shared is not null);
        RuleFor(x => x.Body.Shared!.Facilitators).NotEmpty().OverridePropertyName("shared.facilitators").When(x => x.Body.Shared is not null);
        RuleFor(x => x.Body.Shared!.DurationMinutes).InclusiveBetween(1, 600).OverridePropertyName("shared.durationMinutes").When(x => x.Body.Shared is not null);
        RuleFor(x => x.Body.Members).NotEmpty().OverridePropertyName("members");
        RuleFor(x => x.Body.Members).Must(m => m is null || m.Select(i => i.EnrollmentId).Distinct().Count() == m.Count)
            .WithMessage("A member is listed twice.").OverridePropertyName("members");
    }
}

/// <summary>The members against the session's roster and attendance (<see cref="GroupNoteMembersMatchAttendance"/>).</summary>
internal sealed class CreateGroupNoteMembersValidator : AbstractValidator<CreateGroupNoteRequest>, IStoredDataValidator
{
    public CreateGroupNoteMembersValidator(IMediator mediator) =>
        RuleFor(x => x.Body).CustomAsync(async (body, context, ct) =>
        {
            var members = body.Members!;
            var (_, attendance) = await SessionLink.LoadAsync(mediator, body.SessionId, members.Select(m => m.EnrollmentId).ToList(), ct);
            GroupNoteMembersMatchAttendance.Check(body.Format, members, attendance).ForEach(context.AddFailure);
        });
}

internal sealed class CreateGroupNoteHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options)
    : IRequestHandler<CreateGroupNoteRequest, GroupNoteDto>
{
    private const string InsertGroup = """
        INSERT INTO clinical_notes_group_note (id, session_id, format, topic, modality, facilitators, duration_minutes, author_id, created_at)
        VALUES (@Id, @SessionId, @Format, @Topic, @Modality, @Facilitators, @DurationMinutes, @AuthorId, @CreatedAt)
        """;

    private const string InsertMember = """
        INSERT INTO clinical_notes_group_member (group_note_id, enrollment_id, patient_id, attendance_status, note_id)
        VALUES (@GroupNoteId, @EnrollmentId, @PatientId, @AttendanceStatus, @NoteId)
        """;

    public async Task<GroupNoteDto> Handle(CreateGroupNoteRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var members = body.Members!;
        var (session, attendance) = await SessionLink.LoadAsync(mediator, body.SessionId, members.Select(m => m.EnrollmentId).ToList(), cancellationToken);

        // The validators passed on the attendance of a moment ago; the note is filed against what holds now.
        if (GroupNoteMembersMatchAttendance.Check(body.Format, members, attendance).Count > 0)
        {
            throw new ConflictException("The session's attendance changed while the group note was being checked; send it again.");
        }

        var patients = members.ToDictionary(m => m.EnrollmentId, m => attendance[m.EnrollmentId].PatientId);
        foreach (var patientId in patients.Values)
        {
            audit.TouchedPatient(patientId);
        }
        var names = (await mediator.Send(new GetPatientNamesQuery(patients.Values.ToList()), cancellationToken)).ToDictionary(n => n.PatientId);
        var namesByEnrollment = patients.Where(p => names.ContainsKey(p.Value)).ToDictionary(p => p.Key, p => names[p.Value]);
        var texts = new List<(string, string, Guid?)>
        {
            ("shared.topic", body.Shared!.Topic, null),
            ("shared.modality", body.Shared.Modality, null),
        };
        for (var i = 0; i < members.Count; i++)
        {
            foreach (var (name, text) in members[i].Sections ?? [])
            {
                texts.Add(($"members[{i}].sections.{name}", text, members[i].EnrollmentId));
            }
        }
        var warnings = NameLeaks.Find(texts, namesByEnrollment);

        var link = new SessionLink(session, null, Guid.Empty);
        var (date, start, end) = link.LocalTimes();
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        var author = await ClinicianStore.RequireAsync(connection, caller.ActorId, cancellationToken);
        foreach (var member in members.Where(m => m.GoalIds is { Count: > 0 }))
        {
            await NoteStore.RequireGoalsAsync(connection, member.EnrollmentId, member.GoalIds, cancellationToken);
        }
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertGroup, new
            {
                Id = id,
                body.SessionId,
                body.Format,
                body.Shared.Topic,
                body.Shared.Modality,
                Facilitators = NotesJson.Write(body.Shared.Facilitators),
                body.Shared.DurationMinutes,
                AuthorId = author.ActorId,
                CreatedAt = now,
            }, tx, cancellationToken: cancellationToken));
            foreach (var member in members)
            {
                var status = attendance[member.EnrollmentId].Status!;
                Guid? noteId = null;
                if (SessionLink.Attended.Contains(status))
                {
                    noteId = Guid.CreateVersion7();
                    await connection.ExecuteAsync(new CommandDefinition(NoteStore.InsertNote, new
                    {
                        Id = noteId,
                        member.EnrollmentId,
                        PatientId = patients[member.EnrollmentId],
                        Kind = NoteKinds.Group,
                        body.Format,
                        SessionId = (Guid?)body.SessionId,
                        GroupNoteId = (Guid?)id,
                        ServiceDate = date,
                        StartTime = start,
                        EndTime = end,
                        Sections = NotesJson.Write(member.Sections),
                        GoalIds = NotesJson.Write((member.GoalIds ?? []).Distinct().ToList()),
                        Status = NoteStatus.Draft,
                        Locked = false,
                        AuthorId = author.ActorId,
                        AuthorName = author.DisplayName,
                        AuthorCredentials = author.Credentials,
                        author.RequiresCosign,
                        DueAt = session.EndsAt.AddHours(options.NoteDueHours),
                        Now = now,
                    }, tx, cancellationToken: cancellationToken));
                }
                await connection.ExecuteAsync(new CommandDefinition(InsertMember, new
                {
                    GroupNoteId = id,
                    member.EnrollmentId,
                    PatientId = patients[member.EnrollmentId],
                    AttendanceStatus = status,
                    NoteId = noteId,
                }, tx, cancellationToken: cancellationToken));
            }
            await tx.CommitAsync(cancellationToken);
        }
        audit.Resource($"group-note/{id}");
        return await GroupNoteStore.LoadAsync(connection, id, cancellationToken) with { Warnings = warnings };
    }
}

internal static class CreateGroupNoteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/group-notes", async (CreateGroupNoteBody body, IMediator mediator, CancellationToken ct) =>
            {
                var note = await mediator.Send(new CreateGroupNoteRequest(body), ct);
                return TypedResults.Created($"/api/v1/group-notes/{note.Id}", note);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("CreateGroupNote")
            .WithSummary("Write a group note")
            .WithDescription("One shared section (topic, modality, facilitators, duration) plus an individualised section per attendee, filed as a draft group note into each attendee's record according to attendance; absent members get no section and show as no-shows. A member not on the session's roster is a 400. A member's name or identifier in the shared section or in another member's section returns a warning, not an error.")
            .Accepts<CreateGroupNoteBody>("application/json")
            .Produces<GroupNoteDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
