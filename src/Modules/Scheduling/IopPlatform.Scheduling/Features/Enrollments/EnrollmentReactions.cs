using EnrollmentStatus = IopPlatform.Scheduling.Domain.EnrollmentStatus;
using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Scheduling.Features.Enrollments;

/// <summary>
/// The only place that knows Enrollment's notifications. Each keeps the local <c>scheduling_enrollment</c> copy current
/// and adjusts bookings; all are idempotent (a repeated notification changes nothing more).
/// </summary>
internal sealed class EnrollmentReactionsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ILogger<EnrollmentReactionsHandler> logger) :
    INotificationHandler<EnrollmentActivated>,
    INotificationHandler<EnrollmentOnHold>,
    INotificationHandler<EnrollmentResumed>,
    INotificationHandler<EnrollmentDischarged>,
    INotificationHandler<EnrollmentCancelled>
{
    private const string SetStatus = "UPDATE scheduling_enrollment SET status = @Status, updated_at = @Now WHERE enrollment_id = @EnrollmentId";

    private const string SuspendOrEndMembers = "UPDATE scheduling_group_member SET status = @To, version = version + 1, updated_at = @Now WHERE enrollment_id = @EnrollmentId AND status IN ('active', 'suspended')";

    private const string ReactivateMembers = "UPDATE scheduling_group_member SET status = 'active', version = version + 1, updated_at = @Now WHERE enrollment_id = @EnrollmentId AND status = 'suspended'";

    // Only sessions that have not started and where nothing is recorded: the past is never rewritten.
    private const string CancelFutureBookings = """
        UPDATE scheduling_booking SET status = 'cancelled', cancel_reason = @Reason, updated_at = @Now
        WHERE enrollment_id = @EnrollmentId AND status = 'booked'
          AND session_id IN (SELECT s.id FROM scheduling_session s WHERE s.starts_at > @Now)
          AND NOT EXISTS (SELECT 1 FROM scheduling_attendance a WHERE a.session_id = scheduling_booking.session_id AND a.enrollment_id = scheduling_booking.enrollment_id)
        """;

    private const string RestoreFutureBookings = """
        UPDATE scheduling_booking SET status = 'booked', cancel_reason = NULL, updated_at = @Now
        WHERE enrollment_id = @EnrollmentId AND status = 'cancelled' AND cancel_reason = 'on_hold'
          AND session_id IN (SELECT s.id FROM scheduling_session s WHERE s.starts_at > @Now AND s.status <> 'cancelled')
        """;

    private const string ActiveGroups = "SELECT group_id FROM scheduling_group_member WHERE enrollment_id = @EnrollmentId AND status = 'active'";

    public async Task Handle(EnrollmentActivated notification, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var upsert = dialect.Upsert(
                "scheduling_enrollment",
                ["enrollment_id", "patient_id", "program_id", "site_id", "status", "required_minutes_per_week", "age_group", "updated_at"],
                ["enrollment_id"]);
            await connection.ExecuteAsync(new CommandDefinition(upsert, new
            {
                notification.EnrollmentId,
                notification.PatientId,
                notification.ProgramId,
                notification.SiteId,
                Status = EnrollmentStatus.Active,
                RequiredMinutesPerWeek = (int)Math.Round(notification.RequiredHoursPerWeek * 60m, MidpointRounding.AwayFromZero),
                AgeGroup = notification.AgeGroup == Enrollment.Contracts.AgeGroup.Adolescent ? "adolescent" : "adult",
                UpdatedAt = now,
            }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        foreach (var groupId in notification.CoreGroupIds.Distinct())
        {
            // Each core group on its own: a full or missing group must not stop the patient's other bookings.
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await JoinGroupHandler.JoinAsync(connection, tx, groupId, notification.EnrollmentId, now, strict: false, cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
            catch (ApiException ex)
            {
                await tx.RollbackAsync(cancellationToken);
                logger.LogWarning("Core group {GroupId} not booked for enrollment {EnrollmentId}: {Reason}", groupId, notification.EnrollmentId, ex.Message);
            }
        }
    }

    public Task Handle(EnrollmentOnHold notification, CancellationToken cancellationToken) =>
        StopAsync(notification.EnrollmentId, EnrollmentStatus.OnHold, MemberStatus.Suspended, "on_hold", cancellationToken);

    public Task Handle(EnrollmentDischarged notification, CancellationToken cancellationToken) =>
        StopAsync(notification.EnrollmentId, EnrollmentStatus.Discharged, MemberStatus.Ended, "discharged", cancellationToken);

    public Task Handle(EnrollmentCancelled notification, CancellationToken cancellationToken) =>
        StopAsync(notification.EnrollmentId, EnrollmentStatus.Cancelled, MemberStatus.Ended, "enrollment_cancelled", cancellationToken);

    public async Task Handle(EnrollmentResumed notification, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { notification.EnrollmentId, Status = EnrollmentStatus.Active, Now = now };
        if (await connection.ExecuteAsync(new CommandDefinition(SetStatus, args, tx, cancellationToken: cancellationToken)) == 0)
        {
            logger.LogWarning("Resume of enrollment {EnrollmentId} that Scheduling never saw activated", notification.EnrollmentId);
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(ReactivateMembers, args, tx, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(RestoreFutureBookings, args, tx, cancellationToken: cancellationToken));
        // Sessions materialised during the hold have no booking yet.
        var enrollment = (await RosterStore.FindEnrollmentAsync(connection, tx, notification.EnrollmentId, cancellationToken))!;
        foreach (var groupId in await connection.QueryAsync<Guid>(new CommandDefinition(ActiveGroups, args, tx, cancellationToken: cancellationToken)))
        {
            var group = await Groups.GroupStore.FindAsync(connection, tx, groupId, cancellationToken);
            if (group is not null)
            {
                await RosterStore.BookFutureSessionsAsync(connection, tx, groupId, group.Capacity, enrollment, now, dryRun: false, cancellationToken);
            }
        }
        await tx.CommitAsync(cancellationToken);
    }

    private async Task StopAsync(Guid enrollmentId, string status, string memberStatus, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var args = new { EnrollmentId = enrollmentId, Status = status, Now = now, To = memberStatus, Reason = reason };
        if (await connection.ExecuteAsync(new CommandDefinition(SetStatus, args, tx, cancellationToken: ct)) == 0)
        {
            logger.LogWarning("Status {Status} for enrollment {EnrollmentId} that Scheduling never saw activated", status, enrollmentId);
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(SuspendOrEndMembers, args, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(CancelFutureBookings, args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

}
