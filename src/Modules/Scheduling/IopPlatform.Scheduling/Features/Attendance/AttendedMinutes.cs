namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>Attended minutes count only the part of a stay that falls inside the session.</summary>
internal static class AttendedMinutes
{
    public static int Overlap(DateTimeOffset from, DateTimeOffset to, SessionFacts session)
    {
        var start = from > session.StartsAt ? from : session.StartsAt;
        var end = to < session.EndsAt ? to : session.EndsAt;
        return end > start ? (int)Math.Round((end - start).TotalMinutes) : 0;
    }
}
