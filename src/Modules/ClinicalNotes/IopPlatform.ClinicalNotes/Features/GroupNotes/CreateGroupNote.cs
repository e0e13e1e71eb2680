using Dapper;
using FluentValidation;
using FluentValidation.Results;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.ClinicalNotes.Features.GroupNotes;

/// <summary>The part of a group note every attendee's record receives.</summary>
/// <param name="Topic">Topic of the session.</param>
/// <param name="Modality">Modality, e.g. CBT, psychoeducation, process group.</param>
/// <param name="Facilitators">Facilitators' names.</param>
/// <param name="DurationMinutes">Duration in minutes.</param>
internal sealed record GroupSharedSection(string Topic, string Modality, IReadOnlyList<string> Facilitators, int DurationMinutes);

/// <summary>One group member: attendees get an individualised section, absent members none.</summary>
/// <param name="EnrollmentId">The member's enrollment (booked into the session).</param>
/// <param name="Sections">The format's sections for an attendee; omit for an absent member.</param>
/// <param name="GoalIds">Treatment-plan goals addressed for this member.</param>
internal sealed record GroupMemberBody(Guid EnrollmentId, Dictionary<string, string>? Sections = null, IReadOnlyList<Guid>? GoalIds = null);

/// <summary>A group note for one session.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Format"><c>soap</c>, <c>dap</c>, <c>birp</c> or <c>girp</c>.</param>
/// <param name="Shared">The shared section.</param>
/// <param name="Members">The members documented, attendees and absentees.</param>
internal sealed record CreateGroupNoteBody(Guid SessionId, string Format, GroupSharedSection? Shared, IReadOnlyList<GroupMemberBody>? Members);

internal sealed record GroupNoteMemberDto
{
    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required string AttendanceStatus { get; init; }

    /// <summary>Absent: no section is filed; shown as a no-show.</summary>
    public required bool NoShow { get; init; }

    /// <summary>The note filed into the attendee's record.</summary>
    public Guid? NoteId { get; init; }
}

internal sealed record GroupNoteDto
{
    public required Guid Id { get; init; }

    public required Guid SessionId { get; init; }

    public required string Format { get; init; }

    public required GroupSharedSection Shared { get; init; }

    public required string AuthorId { get; init; }

    public required IReadOnlyList<GroupNoteMemberDto> Members { get; init; }

    /// <summary>Warnings (not errors): a member's name or identifier in the shared section or another member's section.</summary>
    public IReadOnlyList<NameLeakWarningDto> Warnings { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed record CreateGroupNoteRequest(CreateGroupNoteBody Body) : IRequest<GroupNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed record GetGroupNoteQuery(Guid GroupNoteId) : IRequest<GroupNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "read";

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

internal sealed class GroupNotesHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options)
    : IRequestHandler<CreateGroupNoteRequest, GroupNoteDto>, IRequestHandler<GetGroupNoteQuery, GroupNoteDto>
{
    private const string InsertGroup = """
        INSERT INTO clinical_notes_group_note (id, session_id, format, topic, modality, facilitators, duration_minutes, author_id, created_at)
        VALUES (@Id, @SessionId, @Format, @Topic, @Modality, @Facilitators, @DurationMinutes, @AuthorId, @CreatedAt)
        """;

    private const string InsertMember = """
        INSERT INTO clinical_notes_group_member (group_note_id, enrollment_id, patient_id, attendance_status, note_id)
        VALUES (@GroupNoteId, @EnrollmentId, @PatientId, @AttendanceStatus, @NoteId)
        """;

    private const string SelectGroup = """
        SELECT id AS Id, session_id AS SessionId, format AS Format, topic AS Topic, modality AS Modality, facilitators AS Facilitators,
               duration_minutes AS DurationMinutes, author_id AS AuthorId, created_at AS CreatedAt
        FROM clinical_notes_group_note WHERE id = @Id
        """;

    private const string SelectMembers = """
        SELECT enrollment_id AS EnrollmentId, patient_id AS PatientId, attendance_status AS AttendanceStatus, note_id AS NoteId
        FROM clinical_notes_group_member WHERE group_note_id = @Id ORDER BY enrollment_id
        """;

    private sealed class GroupRow
    {
        public Guid Id { get; init; }

        public Guid SessionId { get; init; }

        public string Format { get; init; } = string.Empty;

        public string Topic { get; init; } = string.Empty;

        public string Modality { get; init; } = string.Empty;

        public string Facilitators { get; init; } = "[]";

        public int DurationMinutes { get; init; }

        public string AuthorId { get; init; } = string.Empty;

        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class MemberRow
    {
        public Guid EnrollmentId { get; init; }

        public Guid PatientId { get; init; }

        public string AttendanceStatus { get; init; } = string.Empty;

        public Guid? NoteId { get; init; }
    }

    public async Task<GroupNoteDto> Handle(CreateGroupNoteRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var members = body.Members!;
        var (session, attendance) = await SessionLink.LoadAsync(mediator, body.SessionId, members.Select(m => m.EnrollmentId).ToList(), cancellationToken);

        var failures = new List<ValidationFailure>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (!attendance.TryGetValue(member.EnrollmentId, out var item))
            {
                failures.Add(new ValidationFailure($"members[{i}].enrollmentId", "This patient is not on the session's roster."));
                continue;
            }
            if (item.Status is null)
            {
                failures.Add(new ValidationFailure($"members[{i}].enrollmentId", "Attendance is not recorded for this member yet; record attendance before the group note."));
                continue;
            }
            var attended = SessionLink.Attended.Contains(item.Status);
            if (attended && member.Sections is null)
            {
                failures.Add(new ValidationFailure($"members[{i}].sections", "An attendee needs an individualised section."));
            }
            else if (!attended && member.Sections is not null)
            {
                failures.Add(new ValidationFailure($"members[{i}].sections", $"This member was {item.Status}; an absent member gets no section (shown as a no-show)."));
            }
            else if (attended)
            {
                failures.AddRange(NoteFormats.Validate(body.Format, member.Sections, $"members[{i}].sections").Select(e => new ValidationFailure(e.Field, e.Message)));
            }
        }
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
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
        return await LoadAsync(connection, id, cancellationToken) with { Warnings = warnings };
    }

    public async Task<GroupNoteDto> Handle(GetGroupNoteQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var dto = await LoadAsync(connection, request.GroupNoteId, cancellationToken);
        foreach (var member in dto.Members)
        {
            audit.TouchedPatient(member.PatientId);
        }
        audit.Resource($"group-note/{dto.Id}");
        return dto;
    }

    private static async Task<GroupNoteDto> LoadAsync(System.Data.Common.DbConnection connection, Guid id, CancellationToken ct)
    {
        var group = await connection.QuerySingleOrDefaultAsync<GroupRow>(new CommandDefinition(SelectGroup, new { Id = id }, cancellationToken: ct))
            ?? throw new NotFoundException("Group note", id);
        var members = (await connection.QueryAsync<MemberRow>(new CommandDefinition(SelectMembers, new { Id = id }, cancellationToken: ct))).AsList();
        return new GroupNoteDto
        {
            Id = group.Id,
            SessionId = group.SessionId,
            Format = group.Format,
            Shared = new GroupSharedSection(group.Topic, group.Modality, NotesJson.Read<List<string>>(group.Facilitators), group.DurationMinutes),
            AuthorId = group.AuthorId,
            Members = members.Select(m => new GroupNoteMemberDto
            {
                EnrollmentId = m.EnrollmentId,
                PatientId = m.PatientId,
                AttendanceStatus = m.AttendanceStatus,
                NoShow = m.NoteId is null,
                NoteId = m.NoteId,
            }).ToList(),
            CreatedAt = group.CreatedAt,
        };
    }
}

internal static class GroupNotesEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
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

        group.MapGet("/group-notes/{groupNoteId:guid}", (Guid groupNoteId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetGroupNoteQuery(groupNoteId), ct))
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetGroupNote")
            .WithSummary("Read a group note")
            .WithDescription("The shared section and, per member, attendance and the filed note (or no-show).")
            .Produces<GroupNoteDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
