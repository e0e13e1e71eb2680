namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>The episode-of-care state machine (Enrollment module README, "Episode of care"). Each action is a sub-resource POST.</summary>
internal static class Transitions
{
    public const string Screen = "screen";
    public const string Admit = "admit";
    public const string Hold = "hold";
    public const string Resume = "resume";
    public const string Discharge = "discharge";
    public const string Cancel = "cancel";

    private static readonly Dictionary<EnrollmentStatus, (string Action, EnrollmentStatus To)[]> Allowed = new()
    {
        // Screening again from screened updates the answers (e.g. detox now completed) without leaving screened.
        [EnrollmentStatus.Referred] = [(Screen, EnrollmentStatus.Screened), (Cancel, EnrollmentStatus.Cancelled)],
        [EnrollmentStatus.Screened] = [(Screen, EnrollmentStatus.Screened), (Admit, EnrollmentStatus.Active), (Cancel, EnrollmentStatus.Cancelled)],
        [EnrollmentStatus.Active] = [(Hold, EnrollmentStatus.OnHold), (Discharge, EnrollmentStatus.Discharged)],
        [EnrollmentStatus.OnHold] = [(Resume, EnrollmentStatus.Active), (Discharge, EnrollmentStatus.Discharged)],
        [EnrollmentStatus.Discharged] = [],
        [EnrollmentStatus.Cancelled] = [],
    };

    public static IReadOnlyList<string> From(EnrollmentStatus status) => Allowed[status].Select(t => t.Action).ToList();

    /// <summary>The target status, or null when the action is not allowed from <paramref name="from"/>.</summary>
    public static EnrollmentStatus? Target(EnrollmentStatus from, string action) =>
        Allowed[from].Where(t => t.Action == action).Select(t => (EnrollmentStatus?)t.To).FirstOrDefault();

    public static bool IsOpen(EnrollmentStatus status) => status is EnrollmentStatus.Active or EnrollmentStatus.OnHold;
}
