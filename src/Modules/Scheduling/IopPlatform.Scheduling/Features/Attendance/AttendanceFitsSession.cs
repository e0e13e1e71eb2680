using FluentValidation.Results;
using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>
/// The rules of one attendance entry that need its session: a cancelled session takes only cancelled_by_program;
/// attended statuses only once the session has started, with minutes above 0 and within its length (defaults: the whole
/// session for present, the check-in/out overlap when both are given); absences record 0 minutes; an excused absence
/// needs notice (<see cref="ExcusedAbsenceNeedsNotice"/>).
/// </summary>
internal static class AttendanceFitsSession
{
    /// <summary>
    /// The values to store (defaults applied), or null with the reasons added to <paramref name="failures"/> under
    /// <paramref name="prefix"/> (e.g. <c>Items[2].</c>).
    /// </summary>
    public static ResolvedAttendance? Check(AttendanceItem item, SessionFacts session, DateTimeOffset now, SchedulingOptions options, string prefix, List<ValidationFailure> failures)
    {
        var before = failures.Count;
        var attended = AttendanceStatus.Attended.Contains(item.Status);
        int? minutes = item.Minutes;
        if (session.Status == SessionStatus.Cancelled && item.Status != AttendanceStatus.CancelledByProgram)
        {
            failures.Add(new ValidationFailure(prefix + "Status", "The session is cancelled; the only status it takes is cancelled_by_program."));
        }
        if (attended)
        {
            if (now < session.StartsAt)
            {
                failures.Add(new ValidationFailure(prefix + "Status", $"The session starts at {session.StartsAt:u}; attendance can be recorded once it has started."));
            }
            if (minutes is null && item.CheckInAt is not null && item.CheckOutAt is not null)
            {
                minutes = AttendedMinutes.Overlap(item.CheckInAt.Value, item.CheckOutAt.Value, session);
            }
            if (minutes is null && item.Status == AttendanceStatus.Present)
            {
                minutes = session.LengthMinutes;
            }
            if (minutes is null)
            {
                failures.Add(new ValidationFailure(prefix + "Minutes", $"Give the attended minutes for status {item.Status} (or check-in and check-out times)."));
            }
            else if (minutes > session.LengthMinutes)
            {
                failures.Add(new ValidationFailure(prefix + "Minutes", $"{minutes} minutes is longer than the session ({session.LengthMinutes} minutes)."));
            }
            else if (minutes == 0)
            {
                failures.Add(new ValidationFailure(prefix + "Minutes", $"Status {item.Status} needs attended minutes above 0; record an absence instead."));
            }
        }
        else
        {
            if (minutes is > 0)
            {
                failures.Add(new ValidationFailure(prefix + "Minutes", $"Status {item.Status} records no attended minutes; send 0 or leave it out."));
            }
            minutes = 0;
        }
        if (item.Status == AttendanceStatus.AbsentExcused
            && ExcusedAbsenceNeedsNotice.Check(item.NoticeGivenAt, session.StartsAt, now, options.ExcusedNoticeHours) is { } notice)
        {
            failures.Add(new ValidationFailure(prefix + "NoticeGivenAt", notice));
        }
        return failures.Count > before
            ? null
            : new ResolvedAttendance(item.Status, minutes!.Value, item.CheckInAt, item.CheckOutAt, item.Telehealth ?? false, item.NoticeGivenAt, string.IsNullOrWhiteSpace(item.Note) ? null : item.Note.Trim());
    }
}
