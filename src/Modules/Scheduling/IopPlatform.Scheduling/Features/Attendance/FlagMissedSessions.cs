using IopPlatform.BuildingBlocks.Reactions;
using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Outbox;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>
/// Sessions that ended more than the grace period ago: booked patients with nothing recorded become
/// <c>absent_unexcused</c>, each with a <c>session.missed</c> outbox row in the same transaction and a
/// <see cref="SessionMissed"/> notification after commit. The unique (session_id, enrollment_id) key on attendance
/// makes it exactly-once across reruns and concurrent job servers: only rows this run actually inserted are announced.
/// When nothing at all was recorded for a session the facilitator most likely did not take attendance, so by default
/// the session is flagged "attendance not taken" instead of marking the whole roster absent.
/// </summary>
internal sealed class FlagMissedSessionsHandler(
    IDbConnectionFactory db, ISqlDialect dialect, IReactionOutbox reactions, TimeProvider clock, SchedulingOptions options, ILogger<FlagMissedSessionsHandler> logger)
    : IRequestHandler<FlagMissedSessionsCommand, Unit>
{
    private const string Candidates = """
        SELECT s.id, s.group_id AS GroupId, s.starts_at AS StartsAt, s.ends_at AS EndsAt,
               (SELECT COUNT(*) FROM scheduling_attendance a WHERE a.session_id = s.id) AS Recorded
        FROM scheduling_session s
        WHERE s.status <> 'cancelled' AND s.ends_at <= @Cutoff AND s.ends_at > @Since AND s.missed_checked_at IS NULL
          AND EXISTS (SELECT 1 FROM scheduling_booking b WHERE b.session_id = s.id AND b.status = 'booked')
        ORDER BY s.ends_at
        """;

    private const string Unrecorded = """
        SELECT b.enrollment_id AS EnrollmentId, b.patient_id AS PatientId FROM scheduling_booking b
        WHERE b.session_id = @SessionId AND b.status = 'booked'
          AND NOT EXISTS (SELECT 1 FROM scheduling_attendance a WHERE a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id)
        """;

    private const string MarkChecked = "UPDATE scheduling_session SET missed_checked_at = @Now WHERE id = @SessionId";

    public async Task<Unit> Handle(FlagMissedSessionsCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddMinutes(-options.MissedSessionGraceMinutes);
        await using var connection = await db.OpenAsync(cancellationToken);
        var sessions = (await connection.QueryAsync<Candidate>(new CommandDefinition(
            Candidates, new { Cutoff = cutoff, Since = now.AddDays(-options.MissedSessionLookbackDays) }, cancellationToken: cancellationToken))).AsList();
        var insertAbsence = dialect.InsertIgnoreDuplicate(
            "scheduling_attendance",
            ["id", "session_id", "enrollment_id", "patient_id", "status", "minutes", "telehealth", "source", "recorded_by", "recorded_at", "version", "updated_at"],
            ["session_id", "enrollment_id"]);
        var insertNotTaken = dialect.InsertIgnoreDuplicate(
            "scheduling_attendance_not_taken", ["session_id", "group_id", "flagged_at"], ["session_id"]);
        var marked = 0;
        foreach (var session in sessions)
        {
            var missed = new List<SessionMissed>();
            await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
            {
                if (session.Recorded == 0 && !options.MarkWholeRosterAbsentWhenNothingRecorded)
                {
                    // Left unchecked on purpose: once the facilitator records someone, a later run marks the rest.
                    await connection.ExecuteAsync(new CommandDefinition(insertNotTaken, new { SessionId = session.Id, GroupId = session.GroupId, FlaggedAt = now }, tx, cancellationToken: cancellationToken));
                    await tx.CommitAsync(cancellationToken);
                    continue;
                }
                var absent = await connection.QueryAsync<Absentee>(new CommandDefinition(Unrecorded, new { SessionId = session.Id }, tx, cancellationToken: cancellationToken));
                foreach (var patient in absent)
                {
                    var inserted = await connection.ExecuteAsync(new CommandDefinition(insertAbsence, new
                    {
                        Id = Guid.CreateVersion7(),
                        SessionId = session.Id,
                        EnrollmentId = patient.EnrollmentId,
                        PatientId = patient.PatientId,
                        Status = AttendanceStatus.AbsentUnexcused,
                        Minutes = 0,
                        Telehealth = false,
                        Source = "system",
                        RecordedBy = "system:missed-session-job",
                        RecordedAt = now,
                        Version = 1,
                        UpdatedAt = now,
                    }, tx, cancellationToken: cancellationToken));
                    if (inserted == 0)
                    {
                        continue;
                    }
                    var evt = new SessionMissed(session.Id, session.GroupId, patient.EnrollmentId, patient.PatientId, session.StartsAt, session.EndsAt, now);
                    await SchedulingOutbox.WriteAsync(connection, tx, SchedulingOutbox.SessionMissed, new
                    {
                        sessionId = evt.SessionId,
                        groupId = evt.GroupId,
                        enrollmentId = evt.EnrollmentId,
                        patientId = evt.PatientId,
                        sessionStartsAt = evt.SessionStartsAt,
                        sessionEndsAt = evt.SessionEndsAt,
                    }, now, cancellationToken);
                    // The outreach task it causes (Engagement) is delivered after the commit, and again until it succeeds.
                    await reactions.EnqueueAsync(connection, tx, evt, evt.EnrollmentId, cancellationToken);
                    missed.Add(evt);
                }
                await connection.ExecuteAsync(new CommandDefinition(MarkChecked, new { SessionId = session.Id, Now = now }, tx, cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
            }
            marked += missed.Count;
        }
        if (marked > 0)
        {
            logger.LogInformation("Marked {Count} booked patients absent_unexcused", marked);
        }
        return Unit.Value;
    }

    private sealed class Candidate
    {
        public Guid Id { get; init; }

        public Guid GroupId { get; init; }

        public DateTimeOffset StartsAt { get; init; }

        public DateTimeOffset EndsAt { get; init; }

        public long Recorded { get; init; }
    }

    private sealed class Absentee
    {
        public Guid EnrollmentId { get; init; }

        public Guid PatientId { get; init; }
    }
}
