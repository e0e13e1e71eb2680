using MediatR;

namespace IopPlatform.Enrollment.Contracts;

/// <summary>
/// The drift rule pack of a program (DOMAIN.md §7): every threshold the alerts use, each rule with an on/off switch.
/// A program that never set one gets these defaults.
/// </summary>
public sealed record DriftRulePack
{
    /// <summary>Any unexcused no-show: an outreach task for the case manager, due within this many hours (default 24).</summary>
    public NoShowOutreachRule NoShowOutreach { get; init; } = new();

    /// <summary>Consecutive missed scheduled sessions: amber at 2, red at 3 (without contact).</summary>
    public ConsecutiveMissedRule ConsecutiveMissed { get; init; } = new();

    /// <summary>No attended session for this many days: red (default 7).</summary>
    public DaysWithoutAttendanceRule DaysWithoutAttendance { get; init; } = new();

    /// <summary>Attended hours in an ISO week below the program's required hours (9 adult / 6 adolescent by default).</summary>
    public WeeklyHoursRule WeeklyHours { get; init; } = new();

    /// <summary>Attendance ratio over a window below a minimum (default 14 days, 0.75).</summary>
    public AttendanceRatioRule AttendanceRatio { get; init; } = new();

    /// <summary>Week-over-week attended hours down by at least this fraction (default 1/3).</summary>
    public WeekOverWeekDropRule WeekOverWeekDrop { get; init; } = new();

    /// <summary>The first days of an episode use thresholds one step stricter (default 28 days).</summary>
    public EarlyEpisodeRule EarlyEpisode { get; init; } = new();

    /// <summary>Drug tests: this many positives triggers a level-of-care review (default 3).</summary>
    public DrugTestRule DrugTests { get; init; } = new();

    /// <summary>Brief Addiction Monitor thresholds: Use ≥ 1, Risk ≥ 12, Protective ≤ 12.</summary>
    public BamRule Bam { get; init; } = new();

    /// <summary>An alert unacknowledged for this many hours escalates to the supervisor (default 24).</summary>
    public EscalationRule Escalation { get; init; } = new();

    /// <summary>The defaults of DOMAIN.md §7.</summary>
    public static DriftRulePack Default { get; } = new();
}

/// <summary>Outreach task after an unexcused no-show.</summary>
public sealed record NoShowOutreachRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Hours within which the case manager's outreach is due.</summary>
    public int DueWithinHours { get; init; } = 24;
}

/// <summary>Consecutive missed scheduled sessions.</summary>
public sealed record ConsecutiveMissedRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Misses in a row that raise an amber alert.</summary>
    public int Amber { get; init; } = 2;

    /// <summary>Misses in a row (without contact) that raise a red alert and a discharge-review task.</summary>
    public int Red { get; init; } = 3;
}

/// <summary>Days since the last attended session.</summary>
public sealed record DaysWithoutAttendanceRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Days without an attended session that raise a red alert.</summary>
    public int Days { get; init; } = 7;
}

/// <summary>Weekly attended hours against the program's required hours for the patient's age group.</summary>
public sealed record WeeklyHoursRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Billing risk (HCPCS H0015) when fewer attended days than this in a week.</summary>
    public int BillingMinDaysPerWeek { get; init; } = 3;

    /// <summary>Billing risk (HCPCS H0015) when an attended day has fewer hours than this.</summary>
    public decimal BillingMinHoursPerDay { get; init; } = 3m;
}

/// <summary>Attendance ratio over a rolling window.</summary>
public sealed record AttendanceRatioRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Window length in days.</summary>
    public int WindowDays { get; init; } = 14;

    /// <summary>Attended / scheduled below this raises a drift alert.</summary>
    public decimal MinimumRatio { get; init; } = 0.75m;
}

/// <summary>Drop in attended hours from one ISO week to the next.</summary>
public sealed record WeekOverWeekDropRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Fraction of last week's hours lost that raises a drift alert (1/3).</summary>
    public decimal DropFraction { get; init; } = 1m / 3m;
}

/// <summary>Stricter thresholds early in an episode, when dropout is most likely.</summary>
public sealed record EarlyEpisodeRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Days from admission during which thresholds are one step stricter.</summary>
    public int Days { get; init; } = 28;

    /// <summary>Early in the episode: consecutive misses that raise an amber alert (default 1, against 2 later).</summary>
    public int ConsecutiveMissedAmber { get; init; } = 1;

    /// <summary>Early in the episode: consecutive misses without contact that raise a red alert (default 2, against 3 later).</summary>
    public int ConsecutiveMissedRed { get; init; } = 2;

    /// <summary>Early in the episode: days without an attended session that raise a red alert (default 5, against 7 later).</summary>
    public int DaysWithoutAttendance { get; init; } = 5;

    /// <summary>Early in the episode: attendance ratio below this raises a drift alert (default 0.85, against 0.75 later).</summary>
    public decimal MinimumRatio { get; init; } = 0.85m;

    /// <summary>Early in the episode: week-over-week loss of hours that raises a drift alert (default 1/4, against 1/3 later).</summary>
    public decimal DropFraction { get; init; } = 0.25m;

    /// <summary>Early in the episode: unexpected positives that trigger a level-of-care review (default 2, against 3 later).</summary>
    public int PositivesForReview { get; init; } = 2;
}

/// <summary>Drug-test results.</summary>
public sealed record DrugTestRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Positive results that trigger a level-of-care review.</summary>
    public int PositivesForReview { get; init; } = 3;
}

/// <summary>Brief Addiction Monitor (BAM) subscale thresholds.</summary>
public sealed record BamRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Use subscale at or above this raises a clinical alert.</summary>
    public int UseAtLeast { get; init; } = 1;

    /// <summary>Risk subscale at or above this raises a clinical alert.</summary>
    public int RiskAtLeast { get; init; } = 12;

    /// <summary>Protective subscale at or below this raises a clinical alert.</summary>
    public int ProtectiveAtMost { get; init; } = 12;
}

/// <summary>Escalation of alerts nobody acknowledged.</summary>
public sealed record EscalationRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Hours after which an unacknowledged alert goes to the supervisor.</summary>
    public int UnacknowledgedHours { get; init; } = 24;
}

/// <summary>A program's rule pack and required weekly hours, as the alerts module needs them; null when the program does not exist.</summary>
/// <param name="ProgramId">Program id.</param>
public sealed record GetProgramRulePackQuery(Guid ProgramId) : IRequest<ProgramRulePack?>;

/// <summary>What the drift rules of one program need to know.</summary>
/// <param name="ProgramId">Program id.</param>
/// <param name="RequiredHoursPerWeekAdult">Weekly hours required of adults.</param>
/// <param name="RequiredHoursPerWeekAdolescent">Weekly hours required of adolescents.</param>
/// <param name="RulePack">The program's thresholds.</param>
public sealed record ProgramRulePack(Guid ProgramId, decimal RequiredHoursPerWeekAdult, decimal RequiredHoursPerWeekAdolescent, DriftRulePack RulePack);
