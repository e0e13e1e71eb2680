namespace IopPlatform.Scheduling.Domain;

/// <summary>The words Scheduling stores and speaks (snake_case, as in the JSON).</summary>
internal static class SessionKinds
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "group_recovery", "relapse_prevention", "coping_skills", "family_therapy", "expressive_therapy",
        "mutual_support_meeting", "alumni_mentorship", "psychoeducation", "other",
    };
}

internal static class AppointmentKinds
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "individual_counselling", "individual_therapy", "family_therapy", "medical_checkup", "drug_test_visit",
    };
}

internal static class SessionStatus
{
    public const string Scheduled = "scheduled";
    public const string Cancelled = "cancelled";
    public const string Rescheduled = "rescheduled";
}

internal static class BookingStatus
{
    public const string Booked = "booked";
    public const string Cancelled = "cancelled";
}

internal static class MemberStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Ended = "ended";
}

internal static class EnrollmentStatus
{
    public const string Active = "active";
    public const string OnHold = "on_hold";
    public const string Discharged = "discharged";
    public const string Cancelled = "cancelled";
}

internal static class AttendanceStatus
{
    public const string Present = "present";
    public const string Late = "late";
    public const string LeftEarly = "left_early";
    public const string AbsentExcused = "absent_excused";
    public const string AbsentUnexcused = "absent_unexcused";
    public const string CancelledByProgram = "cancelled_by_program";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Present, Late, LeftEarly, AbsentExcused, AbsentUnexcused, CancelledByProgram,
    };

    /// <summary>Statuses in which the patient was there and minutes count toward weekly hours.</summary>
    public static readonly IReadOnlySet<string> Attended = new HashSet<string>(StringComparer.Ordinal) { Present, Late, LeftEarly };
}
