using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Groups;

namespace IopPlatform.Scheduling.Features.Rosters;

/// <summary>A patient's membership of a group: booked into all its future sessions.</summary>
internal sealed record GroupMemberDto
{
    public required Guid GroupId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>Future sessions the patient is now booked into.</summary>
    public required int BookedSessions { get; init; }
}

/// <summary>Books an active enrollment into a group: every future session, and sessions materialised later.</summary>
/// <param name="EnrollmentId">The enrollment to book.</param>
internal sealed record JoinGroupBody(Guid EnrollmentId);

internal sealed record JoinGroupRequest(Guid GroupId, Guid EnrollmentId) : IRequest<GroupMemberDto>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class JoinGroupValidator : AbstractValidator<JoinGroupRequest>
{
    public JoinGroupValidator() => RuleFor(x => x.EnrollmentId).NotEmpty();
}

internal sealed class JoinGroupHandler(IDbConnectionFactory db, TimeProvider clock, IAuditScope audit) : IRequestHandler<JoinGroupRequest, GroupMemberDto>
{
    private const string SelectMember = "SELECT status FROM scheduling_group_member WHERE group_id = @GroupId AND enrollment_id = @EnrollmentId";

    private const string CountMembers = """
        SELECT COUNT(*) FROM scheduling_group_member WHERE group_id = @GroupId AND status IN ('active', 'suspended') AND enrollment_id <> @EnrollmentId
        """;

    private const string InsertMember = """
        INSERT INTO scheduling_group_member (id, group_id, enrollment_id, patient_id, status, joined_at, version, updated_at)
        VALUES (@Id, @GroupId, @EnrollmentId, @PatientId, 'active', @Now, 1, @Now)
        """;

    private const string ReactivateMember = """
        UPDATE scheduling_group_member SET status = 'active', joined_at = @Now, version = version + 1, updated_at = @Now
        WHERE group_id = @GroupId AND enrollment_id = @EnrollmentId
        """;

    public async Task<GroupMemberDto> Handle(JoinGroupRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var booked = await JoinAsync(connection, tx, request.GroupId, request.EnrollmentId, now, strict: true, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(booked.PatientId);
        return booked;
    }

    /// <summary>
    /// Joins and books. Strict (a staff request): a full group or a full future session is a 409 and nothing changes.
    /// Lenient (automatic booking on activation): full sessions are skipped, a full group is skipped (returns null count).
    /// </summary>
    internal static async Task<GroupMemberDto> JoinAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, Guid groupId, Guid enrollmentId, DateTimeOffset now, bool strict, CancellationToken ct)
    {
        var args = new { GroupId = groupId, EnrollmentId = enrollmentId, Now = now };
        if (await connection.ExecuteAsync(new CommandDefinition(GroupStore.LockGroup, args, tx, cancellationToken: ct)) == 0)
        {
            throw new NotFoundException("Group", groupId);
        }
        var group = (await GroupStore.FindAsync(connection, tx, groupId, ct))!;
        var enrollment = await RosterStore.RequireBookableAsync(connection, tx, enrollmentId, ct);
        var existing = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectMember, args, tx, cancellationToken: ct));
        if (existing == MemberStatus.Active)
        {
            if (strict)
            {
                throw new ConflictException($"Enrollment '{enrollmentId}' is already a member of group '{groupId}'.");
            }
        }
        else
        {
            var members = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountMembers, args, tx, cancellationToken: ct));
            if (members >= group.Capacity)
            {
                var full = new ConflictException($"Group '{group.Name}' is full ({group.Capacity} of {group.Capacity} places taken).");
                full.Extensions["capacity"] = group.Capacity;
                throw full;
            }
        }
        var fullSessions = await RosterStore.BookFutureSessionsAsync(connection, tx, groupId, group.Capacity, enrollment, now, dryRun: strict, ct);
        if (strict && fullSessions.Count > 0)
        {
            var full = new ConflictException($"{fullSessions.Count} upcoming session(s) of '{group.Name}' are full; book single sessions instead or raise the capacity.");
            full.Extensions["fullSessions"] = fullSessions.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
            throw full;
        }
        if (strict)
        {
            await RosterStore.BookFutureSessionsAsync(connection, tx, groupId, group.Capacity, enrollment, now, dryRun: false, ct);
        }
        if (existing is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertMember, new { Id = Guid.CreateVersion7(), GroupId = groupId, EnrollmentId = enrollmentId, enrollment.PatientId, Now = now }, tx, cancellationToken: ct));
        }
        else if (existing != MemberStatus.Active)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReactivateMember, args, tx, cancellationToken: ct));
        }
        var bookedCount = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT COUNT(*) FROM scheduling_booking b JOIN scheduling_session s ON s.id = b.session_id
            WHERE s.group_id = @GroupId AND b.enrollment_id = @EnrollmentId AND b.status = 'booked' AND s.starts_at > @Now
            """, args, tx, cancellationToken: ct));
        return new GroupMemberDto
        {
            GroupId = groupId,
            EnrollmentId = enrollmentId,
            PatientId = enrollment.PatientId,
            Status = MemberStatus.Active,
            JoinedAt = now,
            BookedSessions = (int)bookedCount,
        };
    }
}
