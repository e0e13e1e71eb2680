namespace IopPlatform.Scheduling;

/// <summary>Bound from the <c>Scheduling</c> configuration section; every default is the domain's documented default.</summary>
internal sealed class SchedulingOptions
{
    /// <summary>How far ahead session instances are materialised.</summary>
    public int HorizonWeeks { get; set; } = 8;

    /// <summary>An excused absence must be announced at least this long before the session.</summary>
    public int ExcusedNoticeHours { get; set; } = 24;

    /// <summary>The missed-session job waits this long after a session ends before marking no-shows.</summary>
    public int MissedSessionGraceMinutes { get; set; } = 120;

    /// <summary>Sessions that ended longer ago than this are no longer examined by the missed-session job.</summary>
    public int MissedSessionLookbackDays { get; set; } = 14;

    /// <summary>When nothing at all was recorded for a session: mark the whole roster absent (true) or flag "attendance not taken" (false).</summary>
    public bool MarkWholeRosterAbsentWhenNothingRecorded { get; set; }

    /// <summary>A kiosk check-in later than this after the start records <c>late</c>.</summary>
    public int LateAfterMinutes { get; set; } = 10;

    /// <summary>Check-in opens this long before a session starts.</summary>
    public int CheckInOpensMinutesBefore { get; set; } = 60;

    public string MissedSessionsCron { get; set; } = "*/15 * * * *";

    public string MaterializeSessionsCron { get; set; } = "7 * * * *";
}
