using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.ClinicalNotes.Features.Notes;

/// <summary>Who wrote or signed something, as printed under it.</summary>
internal sealed record NoteAuthorDto(string Id, string Name, string Credentials);

/// <summary>A linked entry made after the note was locked; the original stays as signed.</summary>
internal sealed record NoteEntryDto
{
    public required Guid Id { get; init; }

    /// <summary><c>addendum</c>, <c>late_entry</c>, <c>amendment</c> or <c>entered_in_error</c>.</summary>
    public required string Kind { get; init; }

    public required string Reason { get; init; }

    public required string Text { get; init; }

    /// <summary>For a late entry: when the documented care happened (UTC).</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    public required NoteAuthorDto Author { get; init; }

    /// <summary>When it was written (server time, never backdated).</summary>
    public required DateTimeOffset EnteredAt { get; init; }
}

/// <summary>A progress note.</summary>
internal sealed record NoteDto
{
    public required Guid Id { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    /// <summary><c>individual</c>, <c>group</c>, <c>family</c>, <c>intake</c> or <c>discharge_summary</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>soap</c>, <c>dap</c>, <c>birp</c> or <c>girp</c>.</summary>
    public required string Format { get; init; }

    public Guid? SessionId { get; init; }

    public Guid? GroupNoteId { get; init; }

    public required DateOnly ServiceDate { get; init; }

    public required TimeOnly StartTime { get; init; }

    public required TimeOnly EndTime { get; init; }

    /// <summary>The format's named sections.</summary>
    public required IReadOnlyDictionary<string, string> Sections { get; init; }

    /// <summary>Treatment-plan goals the note addresses.</summary>
    public required IReadOnlyList<Guid> GoalIds { get; init; }

    /// <summary><c>draft</c>, <c>signed</c>, <c>pending_cosign</c>, <c>cosigned</c> or <c>returned</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Signed or co-signed: immutable (the database refuses changes).</summary>
    public required bool Locked { get; init; }

    public required NoteAuthorDto Author { get; init; }

    public required bool RequiresCosign { get; init; }

    /// <summary>The supervisor's comments when the note was returned for revision.</summary>
    public string? ReturnComments { get; init; }

    public DateTimeOffset? SignedAt { get; init; }

    public string? CosignedBy { get; init; }

    public DateTimeOffset? CosignedAt { get; init; }

    /// <summary>When the author's signature is due.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>When the supervisor's co-signature is due (ClinicalNotes:CosignDueHours after the author signed); set while the note is or was pending co-signature.</summary>
    public DateTimeOffset? CosignDueAt { get; init; }

    /// <summary>An <c>entered_in_error</c> entry marks the note as not to be relied on.</summary>
    public required bool EnteredInError { get; init; }

    public required IReadOnlyList<NoteEntryDto> Entries { get; init; }

    public required int Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

internal sealed class NoteRow
{
    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public string Kind { get; init; } = string.Empty;

    public string Format { get; init; } = string.Empty;

    public Guid? SessionId { get; init; }

    public Guid? GroupNoteId { get; init; }

    public DateOnly ServiceDate { get; init; }

    public TimeOnly StartTime { get; init; }

    public TimeOnly EndTime { get; init; }

    public string Sections { get; init; } = "{}";

    public string GoalIds { get; init; } = "[]";

    public string Status { get; init; } = string.Empty;

    public bool Locked { get; init; }

    public string AuthorId { get; init; } = string.Empty;

    public string AuthorName { get; init; } = string.Empty;

    public string AuthorCredentials { get; init; } = string.Empty;

    public bool RequiresCosign { get; init; }

    public string? ReturnComments { get; init; }

    public DateTimeOffset? SignedAt { get; init; }

    public string? CosignedBy { get; init; }

    public DateTimeOffset? CosignedAt { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public DateTimeOffset? CosignDueAt { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

internal sealed class EntryRow
{
    public Guid Id { get; init; }

    public Guid NoteId { get; init; }

    public string Kind { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public string Text { get; init; } = string.Empty;

    public DateTimeOffset? OccurredAt { get; init; }

    public string AuthorId { get; init; } = string.Empty;

    public string AuthorName { get; init; } = string.Empty;

    public string AuthorCredentials { get; init; } = string.Empty;

    public DateTimeOffset EnteredAt { get; init; }
}

internal static class NoteStore
{
    public const string Columns = """
        n.id AS Id, n.enrollment_id AS EnrollmentId, n.patient_id AS PatientId, n.kind AS Kind, n.format AS Format,
        n.session_id AS SessionId, n.group_note_id AS GroupNoteId, n.service_date AS ServiceDate, n.start_time AS StartTime,
        n.end_time AS EndTime, n.sections AS Sections, n.goal_ids AS GoalIds, n.status AS Status, n.locked AS Locked,
        n.author_id AS AuthorId, n.author_name AS AuthorName, n.author_credentials AS AuthorCredentials,
        n.requires_cosign AS RequiresCosign, n.return_comments AS ReturnComments, n.signed_at AS SignedAt,
        n.cosigned_by AS CosignedBy, n.cosigned_at AS CosignedAt, n.due_at AS DueAt, n.cosign_due_at AS CosignDueAt, n.version AS Version,
        n.created_at AS CreatedAt, n.updated_at AS UpdatedAt
        """;

    private const string SelectOne = $"SELECT {Columns} FROM clinical_notes_note n WHERE n.id = @Id";

    private const string EntryColumns = """
        e.id AS Id, e.note_id AS NoteId, e.kind AS Kind, e.reason AS Reason, e.text AS Text, e.occurred_at AS OccurredAt,
        e.author_id AS AuthorId, e.author_name AS AuthorName, e.author_credentials AS AuthorCredentials, e.entered_at AS EnteredAt
        """;

    public const string InsertNote = """
        INSERT INTO clinical_notes_note (id, enrollment_id, patient_id, kind, format, session_id, group_note_id, service_date,
            start_time, end_time, sections, goal_ids, status, locked, author_id, author_name, author_credentials, requires_cosign,
            return_comments, signed_at, cosigned_by, cosigned_at, due_at, version, created_at, updated_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @Kind, @Format, @SessionId, @GroupNoteId, @ServiceDate,
            @StartTime, @EndTime, @Sections, @GoalIds, @Status, @Locked, @AuthorId, @AuthorName, @AuthorCredentials, @RequiresCosign,
            NULL, NULL, NULL, NULL, @DueAt, 1, @Now, @Now)
        """;

    private const string GoalsOfEnrollment = "SELECT id FROM clinical_notes_goal WHERE enrollment_id = @EnrollmentId";

    public static async Task<NoteRow> RequireAsync(DbConnection connection, Guid id, CancellationToken ct, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<NoteRow>(new CommandDefinition(SelectOne, new { Id = id }, transaction, cancellationToken: ct))
        ?? throw new NotFoundException("Note", id);

    public static async Task<IReadOnlyList<NoteDto>> ToDtosAsync(DbConnection connection, IReadOnlyList<NoteRow> rows, CancellationToken ct)
    {
        var entries = new List<EntryRow>();
        foreach (var chunk in rows.Select(r => r.Id).Chunk(BuildingBlocks.Data.SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = $"SELECT {EntryColumns} FROM clinical_notes_entry e WHERE {BuildingBlocks.Data.SqlList.In("e.note_id", chunk, "n", parameters)} ORDER BY e.entered_at, e.id";
            entries.AddRange(await connection.QueryAsync<EntryRow>(new CommandDefinition(sql, parameters, cancellationToken: ct)));
        }
        var byNote = entries.ToLookup(e => e.NoteId);
        return rows.Select(r => ToDto(r, byNote[r.Id].ToList())).ToList();
    }

    public static async Task<NoteDto> ToDtoAsync(DbConnection connection, NoteRow row, CancellationToken ct) =>
        (await ToDtosAsync(connection, [row], ct))[0];

    private static NoteDto ToDto(NoteRow r, IReadOnlyList<EntryRow> entries) => new()
    {
        Id = r.Id,
        EnrollmentId = r.EnrollmentId,
        PatientId = r.PatientId,
        Kind = r.Kind,
        Format = r.Format,
        SessionId = r.SessionId,
        GroupNoteId = r.GroupNoteId,
        ServiceDate = r.ServiceDate,
        StartTime = r.StartTime,
        EndTime = r.EndTime,
        Sections = NotesJson.Read<Dictionary<string, string>>(r.Sections),
        GoalIds = NotesJson.Read<List<Guid>>(r.GoalIds),
        Status = r.Status,
        Locked = r.Locked,
        Author = new NoteAuthorDto(r.AuthorId, r.AuthorName, r.AuthorCredentials),
        RequiresCosign = r.RequiresCosign,
        ReturnComments = r.ReturnComments,
        SignedAt = r.SignedAt,
        CosignedBy = r.CosignedBy,
        CosignedAt = r.CosignedAt,
        DueAt = r.DueAt,
        CosignDueAt = r.CosignDueAt ?? (r.Status == NoteStatus.PendingCosign ? r.SignedAt?.AddHours(ClinicalNotesOptions.DefaultCosignDueHours) : null),
        EnteredInError = entries.Any(e => e.Kind == EntryKinds.EnteredInError),
        Entries = entries.Select(e => new NoteEntryDto
        {
            Id = e.Id,
            Kind = e.Kind,
            Reason = e.Reason,
            Text = e.Text,
            OccurredAt = e.OccurredAt,
            Author = new NoteAuthorDto(e.AuthorId, e.AuthorName, e.AuthorCredentials),
            EnteredAt = e.EnteredAt,
        }).ToList(),
        Version = r.Version,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };

    /// <summary>The golden thread: every goal a note addresses belongs to the same enrollment's treatment plan (422 otherwise).</summary>
    public static async Task RequireGoalsAsync(DbConnection connection, Guid enrollmentId, IReadOnlyCollection<Guid>? goalIds, CancellationToken ct)
    {
        if (goalIds is null || goalIds.Count == 0)
        {
            return;
        }
        var known = (await connection.QueryAsync<Guid>(new CommandDefinition(GoalsOfEnrollment, new { EnrollmentId = enrollmentId }, cancellationToken: ct))).ToHashSet();
        var unknown = goalIds.Where(g => !known.Contains(g)).ToList();
        if (unknown.Count > 0)
        {
            throw new UnprocessableException($"Goal(s) {string.Join(", ", unknown)} are not goals of this enrollment's treatment plan.");
        }
    }
}

internal static class EntryKinds
{
    public const string Addendum = "addendum";
    public const string LateEntry = "late_entry";
    public const string Amendment = "amendment";
    public const string EnteredInError = "entered_in_error";

    public static readonly IReadOnlyList<string> All = [Addendum, LateEntry, Amendment, EnteredInError];
}

/// <summary>What a note learns from Scheduling about the session it documents.</summary>
internal sealed record SessionLink(SessionDto Session, string? AttendanceStatus, Guid PatientId)
{
    /// <summary>Attendance statuses meaning the patient was there (for at least part of the session).</summary>
    public static readonly IReadOnlySet<string> Attended = new HashSet<string>(StringComparer.Ordinal) { "present", "late", "left_early" };

    public bool WasAttended => AttendanceStatus is not null && Attended.Contains(AttendanceStatus);

    public (DateOnly Date, TimeOnly Start, TimeOnly End) LocalTimes()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Session.TimeZone);
        var start = TimeZoneInfo.ConvertTime(Session.StartsAt, zone);
        var end = TimeZoneInfo.ConvertTime(Session.EndsAt, zone);
        return (DateOnly.FromDateTime(start.DateTime), TimeOnly.FromDateTime(start.DateTime), TimeOnly.FromDateTime(end.DateTime));
    }

    /// <summary>
    /// Scheduling has no "did this enrollment attend that session" request, so the attendance history of the
    /// enrollments over the session's own window answers it. Null entries: not booked into the session.
    /// </summary>
    public static async Task<(SessionDto Session, IReadOnlyDictionary<Guid, AttendanceHistoryItemDto> ByEnrollment)> LoadAsync(
        IMediator mediator, Guid sessionId, IReadOnlyCollection<Guid> enrollmentIds, CancellationToken ct)
    {
        var session = await mediator.Send(new GetSessionQuery(sessionId), ct).ConfigureAwait(false)
            ?? throw new UnprocessableException($"Session '{sessionId}' does not exist; a note documents a session that took place.");
        var history = await mediator.Send(new GetAttendanceHistoryQuery(enrollmentIds, session.StartsAt, session.EndsAt), ct).ConfigureAwait(false);
        var byEnrollment = history.Where(h => h.SessionId == sessionId).GroupBy(h => h.EnrollmentId).ToDictionary(g => g.Key, g => g.First());
        return (session, byEnrollment);
    }
}
