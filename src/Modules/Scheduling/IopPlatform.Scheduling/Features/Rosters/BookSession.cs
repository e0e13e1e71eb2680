using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Groups;

namespace IopPlatform.Scheduling.Features.Rosters;

/// <summary>A patient expected at a session.</summary>
internal sealed record BookingDto
{
    public required Guid SessionId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    /// <summary><c>group</c> (membership) or <c>single</c> (this session only).</summary>
    public required string Source { get; init; }

    /// <summary><c>booked</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }

    /// <summary><c>on_hold</c>, <c>discharged</c>, <c>cancelled</c>, <c>left_group</c> when cancelled.</summary>
    public string? CancelReason { get; init; }
}

/// <summary>Books an active enrollment into one session (a drop-in).</summary>
/// <param name="EnrollmentId">The enrollment to book.</param>
internal sealed record BookSessionBody(Guid EnrollmentId);

internal sealed record BookSessionRequest(Guid SessionId, Guid EnrollmentId) : IRequest<BookingDto>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class BookSessionValidator : AbstractValidator<BookSessionRequest>
{
    public BookSessionValidator() => RuleFor(x => x.EnrollmentId).NotEmpty();
}

internal sealed class BookSessionHandler(IDbConnectionFactory db, TimeProvider clock, IAuditScope audit) : IRequestHandler<BookSessionRequest, BookingDto>
{
    private const string SelectSession = """
        SELECT s.group_id AS GroupId, s.starts_at AS StartsAt, s.status, g.capacity,
               (SELECT COUNT(*) FROM scheduling_booking b WHERE b.session_id = s.id AND b.status = 'booked') AS Booked,
               (SELECT b.status FROM scheduling_booking b WHERE b.session_id = s.id AND b.enrollment_id = @EnrollmentId) AS Mine
        FROM scheduling_session s JOIN scheduling_group g ON g.id = s.group_id WHERE s.id = @SessionId
        """;

    private const string GroupOf = "SELECT group_id FROM scheduling_session WHERE id = @SessionId";

    public async Task<BookingDto> Handle(BookSessionRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var groupId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(GroupOf, request, tx, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Session", request.SessionId);
        await connection.ExecuteAsync(new CommandDefinition(GroupStore.LockGroup, new { GroupId = groupId }, tx, cancellationToken: cancellationToken));
        var session = (await connection.QuerySingleAsync<SessionSeats>(new CommandDefinition(SelectSession, request, tx, cancellationToken: cancellationToken)));
        if (session.Status == SessionStatus.Cancelled)
        {
            throw new ConflictException("The session is cancelled.");
        }
        if (session.StartsAt <= now)
        {
            throw new ConflictException("The session has already started; only upcoming sessions can be booked.");
        }
        var enrollment = await RosterStore.RequireBookableAsync(connection, tx, request.EnrollmentId, cancellationToken);
        if (session.Mine == BookingStatus.Booked)
        {
            throw new ConflictException($"Enrollment '{request.EnrollmentId}' is already booked into this session.");
        }
        if (session.Booked >= session.Capacity)
        {
            var full = new ConflictException($"The session is full ({session.Capacity} of {session.Capacity} places taken).");
            full.Extensions["capacity"] = session.Capacity;
            throw full;
        }
        await RosterStore.BookAsync(connection, tx, request.SessionId, enrollment, session.Mine is null, "single", now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(enrollment.PatientId);
        return new BookingDto { SessionId = request.SessionId, EnrollmentId = enrollment.EnrollmentId, PatientId = enrollment.PatientId, Source = "single", Status = BookingStatus.Booked };
    }

    private sealed class SessionSeats
    {
        public Guid GroupId { get; init; }

        public DateTimeOffset StartsAt { get; init; }

        public string Status { get; init; } = string.Empty;

        public int Capacity { get; init; }

        public long Booked { get; init; }

        public string? Mine { get; init; }
    }
}
