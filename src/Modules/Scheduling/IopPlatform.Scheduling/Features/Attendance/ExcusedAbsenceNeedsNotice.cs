namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>
/// An absence is excused only when the patient gave notice at least <c>Scheduling:ExcusedNoticeHours</c> (default 24 h)
/// before the session starts, and the notice is not in the future; otherwise it is recorded as absent_unexcused.
/// </summary>
internal static class ExcusedAbsenceNeedsNotice
{
    /// <summary>Null when the notice qualifies; otherwise why not (reported on <c>noticeGivenAt</c>).</summary>
    public static string? Check(DateTimeOffset? noticeGivenAt, DateTimeOffset sessionStartsAt, DateTimeOffset now, int noticeHours)
    {
        if (noticeGivenAt is null)
        {
            return $"An excused absence needs the time the patient gave notice (at least {noticeHours} h before the session).";
        }
        if (noticeGivenAt > sessionStartsAt.AddHours(-noticeHours))
        {
            return $"Notice given at {noticeGivenAt:u} is less than {noticeHours} h before the session ({sessionStartsAt:u}); record absent_unexcused.";
        }
        return noticeGivenAt > now ? "Notice cannot be given in the future." : null;
    }
}
