using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Sessions;

/// <summary>Cancel and reschedule share their checks: the session exists, nobody attended yet, the version matches.</summary>
internal static class SessionChange
{
    private const string HasAttendance = "SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @SessionId";

    public static async Task<SessionDto> LoadChangeableAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, Guid sessionId, int version, CancellationToken ct)
    {
        var session = await connection.QuerySingleOrDefaultAsync<SessionDto>(new CommandDefinition(
            $"{Groups.SessionSql.Select} WHERE s.id = @SessionId", new { SessionId = sessionId }, tx, cancellationToken: ct))
            ?? throw new NotFoundException("Session", sessionId);
        if (session.Version != version)
        {
            throw new PreconditionFailedException($"Session '{sessionId}' is at version {session.Version}, not {version}; read it again.");
        }
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(HasAttendance, new { SessionId = sessionId }, tx, cancellationToken: ct)) > 0)
        {
            throw new ConflictException("Attendance has already been recorded for this session; it cannot be cancelled or moved.");
        }
        return session;
    }

    public const string Update = """
        UPDATE scheduling_session SET status = @Status, status_reason = @Reason, starts_at = @StartsAt, ends_at = @EndsAt,
               version = version + 1, updated_at = @Now
        WHERE id = @SessionId AND version = @Version
        """;
}
