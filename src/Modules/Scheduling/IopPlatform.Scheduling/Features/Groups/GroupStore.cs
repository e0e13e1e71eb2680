using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Groups;

/// <summary>A weekly rule as the API shows it.</summary>
internal sealed record RecurrenceDto
{
    public required DateOnly ValidFrom { get; init; }

    public DateOnly? ValidUntil { get; init; }

    public required IReadOnlyList<string> DaysOfWeek { get; init; }

    public required TimeOnly StartTime { get; init; }

    public required TimeOnly EndTime { get; init; }
}

/// <summary>A group (track) with its facilitators and its recurrence, oldest rule first.</summary>
internal sealed record GroupDto
{
    public required Guid Id { get; init; }

    public required Guid SiteId { get; init; }

    public required string TimeZone { get; init; }

    public required string Name { get; init; }

    public string? Track { get; init; }

    public required string SessionKind { get; init; }

    public required int Capacity { get; init; }

    public required IReadOnlyList<string> FacilitatorIds { get; init; }

    public required IReadOnlyList<RecurrenceDto> Recurrence { get; init; }

    public required int Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed class GroupRow
{
    public Guid Id { get; init; }

    public Guid SiteId { get; init; }

    public string TimeZone { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string? Track { get; init; }

    public string SessionKind { get; init; } = string.Empty;

    public int Capacity { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class RecurrenceRow
{
    public Guid Id { get; init; }

    public DateOnly ValidFrom { get; init; }

    public DateOnly? ValidUntil { get; init; }

    public string DaysOfWeek { get; init; } = string.Empty;

    public TimeOnly StartTime { get; init; }

    public TimeOnly EndTime { get; init; }

    public RecurrenceRule ToRule() => new(ValidFrom, ValidUntil, SessionCalendar.ParseDays(DaysOfWeek), StartTime, EndTime);
}

/// <summary>Reads and materialises groups; shared by the group, roster and job features.</summary>
internal static class GroupStore
{
    public const string GroupColumns = """
        id, site_id AS SiteId, time_zone AS TimeZone, name, track, session_kind AS SessionKind, capacity, version, created_at AS CreatedAt
        """;

    private const string SelectGroup = $"SELECT {GroupColumns} FROM scheduling_group WHERE id = @Id";

    private const string SelectRules = """
        SELECT id, valid_from AS ValidFrom, valid_until AS ValidUntil, days_of_week AS DaysOfWeek, start_time AS StartTime, end_time AS EndTime
        FROM scheduling_group_recurrence WHERE group_id = @Id ORDER BY valid_from
        """;

    private const string SelectFacilitators = "SELECT staff_id FROM scheduling_group_facilitator WHERE group_id = @Id ORDER BY staff_id";

    private const string SelectActiveMembers = """
        SELECT enrollment_id AS EnrollmentId, patient_id AS PatientId FROM scheduling_group_member
        WHERE group_id = @GroupId AND status = 'active'
        """;

    private const string InsertBooking = """
        INSERT INTO scheduling_booking (id, session_id, enrollment_id, patient_id, source, status, cancel_reason, created_at, updated_at)
        VALUES (@Id, @SessionId, @EnrollmentId, @PatientId, 'group', 'booked', NULL, @Now, @Now)
        """;

    /// <summary>Takes the group's row lock (a no-op update) so bookings and capacity checks of one group run one at a time on every engine.</summary>
    public const string LockGroup = "UPDATE scheduling_group SET capacity = capacity WHERE id = @GroupId";

    public static async Task<GroupRow?> FindAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<GroupRow>(new CommandDefinition(SelectGroup, new { Id = id }, tx, cancellationToken: ct));

    public static async Task<List<RecurrenceRow>> RulesAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct) =>
        (await connection.QueryAsync<RecurrenceRow>(new CommandDefinition(SelectRules, new { Id = id }, tx, cancellationToken: ct))).AsList();

    public static async Task<GroupDto?> LoadAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct)
    {
        var group = await FindAsync(connection, tx, id, ct);
        if (group is null)
        {
            return null;
        }
        var rules = await RulesAsync(connection, tx, id, ct);
        var facilitators = await connection.QueryAsync<string>(new CommandDefinition(SelectFacilitators, new { Id = id }, tx, cancellationToken: ct));
        return new GroupDto
        {
            Id = group.Id,
            SiteId = group.SiteId,
            TimeZone = group.TimeZone,
            Name = group.Name,
            Track = group.Track,
            SessionKind = group.SessionKind,
            Capacity = group.Capacity,
            FacilitatorIds = facilitators.AsList(),
            Recurrence = rules.Select(r => new RecurrenceDto
            {
                ValidFrom = r.ValidFrom,
                ValidUntil = r.ValidUntil,
                DaysOfWeek = r.DaysOfWeek.Split(','),
                StartTime = r.StartTime,
                EndTime = r.EndTime,
            }).ToList(),
            Version = group.Version,
            CreatedAt = group.CreatedAt,
        };
    }

    /// <summary>
    /// Creates the group's missing sessions from today (site-local) to the horizon. Idempotent: the unique
    /// (group_id, local_date) key makes a concurrent or repeated run insert nothing twice. Active members are booked
    /// into new sessions that have not started yet.
    /// </summary>
    public static async Task<int> MaterializeAsync(
        DbConnection connection, DbTransaction tx, ISqlDialect dialect, Guid groupId, DateTimeOffset now, int horizonWeeks, CancellationToken ct)
    {
        var group = await FindAsync(connection, tx, groupId, ct);
        var zone = SessionCalendar.FindZone(group?.TimeZone);
        if (group is null || zone is null)
        {
            return 0;
        }
        var rules = (await RulesAsync(connection, tx, groupId, ct)).Select(r => r.ToRule()).ToList();
        if (rules.Count == 0)
        {
            return 0;
        }
        var today = SessionCalendar.LocalDate(now, zone);
        var from = rules[0].ValidFrom > today ? rules[0].ValidFrom : today;
        var to = today.AddDays(horizonWeeks * 7);
        var insert = dialect.InsertIgnoreDuplicate(
            "scheduling_session",
            ["id", "group_id", "local_date", "starts_at", "ends_at", "status", "version", "created_at", "updated_at"],
            ["group_id", "local_date"]);
        List<MemberRef>? members = null;
        var created = 0;
        foreach (var occurrence in SessionCalendar.Expand(rules, from, to, zone))
        {
            var sessionId = Guid.CreateVersion7();
            // The dialect names parameters after the columns in PascalCase (SQLite binds names case-sensitively).
            var inserted = await connection.ExecuteAsync(new CommandDefinition(insert, new
            {
                Id = sessionId,
                GroupId = groupId,
                LocalDate = occurrence.LocalDate,
                StartsAt = occurrence.StartsAt,
                EndsAt = occurrence.EndsAt,
                Status = SessionStatus.Scheduled,
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
            }, tx, cancellationToken: ct));
            if (inserted == 0)
            {
                continue;
            }
            created++;
            if (occurrence.StartsAt <= now)
            {
                continue;
            }
            members ??= (await connection.QueryAsync<MemberRef>(new CommandDefinition(SelectActiveMembers, new { GroupId = groupId }, tx, cancellationToken: ct))).AsList();
            foreach (var member in members)
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertBooking, new
                {
                    Id = Guid.CreateVersion7(),
                    SessionId = sessionId,
                    member.EnrollmentId,
                    member.PatientId,
                    Now = now,
                }, tx, cancellationToken: ct));
            }
        }
        return created;
    }

    internal sealed class MemberRef
    {
        public Guid EnrollmentId { get; init; }

        public Guid PatientId { get; init; }
    }
}
