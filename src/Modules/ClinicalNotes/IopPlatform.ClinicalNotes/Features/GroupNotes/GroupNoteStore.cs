using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Notes;

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

internal static class GroupNoteStore
{
    private const string SelectGroup = """
        SELECT id AS Id, session_id AS SessionId, format AS Format, topic AS Topic, modality AS Modality, facilitators AS Facilitators,
               duration_minutes AS DurationMinutes, author_id AS AuthorId, created_at AS CreatedAt
        FROM clinical_notes_group_note WHERE id = @Id
        """;

    private const string SelectMembers = """
        SELECT enrollment_id AS EnrollmentId, patient_id AS PatientId, attendance_status AS AttendanceStatus, note_id AS NoteId
        FROM clinical_notes_group_member WHERE group_note_id = @Id ORDER BY enrollment_id
        """;

    public static async Task<GroupNoteDto> LoadAsync(System.Data.Common.DbConnection connection, Guid id, CancellationToken ct)
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
}
