namespace IopPlatform.Engagement.Contracts;

/// <summary>
/// The drift rule pack of a program (Engagement module README, "Rules"), rewritten from a labelled-cohort measurement. Two outputs: dropout-risk
/// alerts (amber/red, the case manager's inbox, escalated when ignored) come ONLY from attendance patterns over scheduled
/// sessions (unexcused misses; excused absences, program cancellations and holds never count); clinical and program flags
/// (below intensity, billing risk, BAM concern, level-of-care review) go to the enrollment and the weekly review list.
/// Clinical signals may raise an existing attendance alert's severity, never raise one. A program that never set a pack
/// gets these defaults. Engagement owns it: <c>GET/PUT /programs/{id}/rule-pack</c>, every version kept.
/// </summary>
public sealed record DriftRulePack
{
    /// <summary>Any unexcused no-show (recorded by staff or by the missed-session job): one outreach task for the case manager.</summary>
    public NoShowOutreachRule NoShowOutreach { get; init; } = new();

    /// <summary>Consecutive unexcused misses of scheduled sessions: amber at 2, red at 3 when nobody reached out.</summary>
    public ConsecutiveMissedRule ConsecutiveMissed { get; init; } = new();

    /// <summary>No attendance at the last 4 scheduled sessions: red with a discharge review.</summary>
    public NoRecentAttendanceRule NoRecentAttendance { get; init; } = new();

    /// <summary>Attended / scheduled over 21 days below 0.6 with at least 2 unexcused misses: amber.</summary>
    public AttendanceRatioRule AttendanceRatio { get; init; } = new();

    /// <summary>An amber attendance alert turns red with a confirmed unexpected positive or refusal, or a BAM worse than intake; one no-show with a return to use or a worse BAM is amber.</summary>
    public ClinicalSeverityRule ClinicalSeverity { get; init; } = new();

    /// <summary>Flag: attended hours below the required hours in consecutive complete weeks; billing risk (H0015) in the last one.</summary>
    public BelowIntensityRule BelowIntensity { get; init; } = new();

    /// <summary>Flag: a BAM subscale of concern that is worse than the patient's own intake BAM.</summary>
    public BamRule Bam { get; init; } = new();

    /// <summary>Flag: confirmed unexpected positives within a window call for a level-of-care review.</summary>
    public LevelOfCareRule LevelOfCare { get; init; } = new();

    /// <summary>An alert unacknowledged for this many hours escalates to the supervisor (default 24).</summary>
    public EscalationRule Escalation { get; init; } = new();

    /// <summary>The defaults of the running release (Engagement module README, "Rules").</summary>
    public static DriftRulePack Default { get; } = new();
}

/// <summary>Outreach task after an unexcused no-show.</summary>
public sealed record NoShowOutreachRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Hours within which the case manager's outreach is due (1–168).</summary>
    public int DueWithinHours { get; init; } = 24;
}

/// <summary>Consecutive unexcused misses of scheduled sessions (excused absences and program cancellations neither count nor break the run).</summary>
public sealed record ConsecutiveMissedRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Misses in a row that raise an amber alert (1–10).</summary>
    public int Amber { get; init; } = 2;

    /// <summary>Misses in a row without contact (no outreach attempt logged since the first miss) that raise a red alert and a discharge review (2–10, above amber).</summary>
    public int Red { get; init; } = 3;
}

/// <summary>No attendance at any of the last scheduled sessions, with or without contact.</summary>
public sealed record NoRecentAttendanceRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How many of the latest scheduled sessions must all have been missed (2–12).</summary>
    public int Sessions { get; init; } = 4;
}

/// <summary>Attendance ratio over a rolling window of scheduled sessions.</summary>
public sealed record AttendanceRatioRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Window length in days (7–42).</summary>
    public int WindowDays { get; init; } = 21;

    /// <summary>Attended / scheduled below this raises an amber alert (0–1, exclusive).</summary>
    public decimal MinimumRatio { get; init; } = 0.6m;

    /// <summary>Unexcused misses the window must hold as well (1–10): one no-show in a short window is not a pattern.</summary>
    public int MinimumUnexcusedMisses { get; init; } = 2;
}

/// <summary>Clinical signals that raise an amber attendance alert to red (never raise an alert by themselves).</summary>
public sealed record ClinicalSeverityRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A confirmed unexpected positive or a refusal collected within this many days counts (1–60).</summary>
    public int DrugTestWindowDays { get; init; } = 14;

    /// <summary>Whether a latest BAM worse than the intake BAM (any subscale) counts.</summary>
    public bool BamWorseThanIntake { get; init; } = true;

    /// <summary>
    /// Whether ONE unexcused no-show at the latest scheduled session raises an amber dropout-risk alert (rule
    /// <c>no_show_with_clinical_signal</c>) when it comes with a return to use — a confirmed unexpected positive or a
    /// refusal within <see cref="DrugTestWindowDays"/> after a test of this episode showing abstinence (negative, or
    /// positive only for prescribed substances) — or a latest BAM worse than intake (with <see cref="BamWorseThanIntake"/>).
    /// Early positives before any abstinent test are not a return to use. Measured: gradual drifters alerted while they
    /// still come (README decision 43).
    /// </summary>
    public bool NoShowWithClinicalSignal { get; init; } = true;
}

/// <summary>Attended hours against the required weekly hours (9 adult / 6 adolescent by default), and H0015 billing risk.</summary>
public sealed record BelowIntensityRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Consecutive complete ISO weeks (site's zone) below the required hours that raise the flag (1–4).</summary>
    public int ConsecutiveWeeks { get; init; } = 2;

    /// <summary>Billing risk (HCPCS H0015) when the last complete week had fewer attended days than this (1–7).</summary>
    public int BillingMinDaysPerWeek { get; init; } = 3;

    /// <summary>Billing risk (HCPCS H0015) when an attended day of the last complete week had fewer hours than this (0.5–12).</summary>
    public decimal BillingMinHoursPerDay { get; init; } = 3m;
}

/// <summary>Brief Addiction Monitor (BAM) subscale thresholds, judged against the patient's intake BAM.</summary>
public sealed record BamRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Use subscale at or above this is a concern (0–12).</summary>
    public int UseAtLeast { get; init; } = 1;

    /// <summary>Risk subscale at or above this is a concern (0–24).</summary>
    public int RiskAtLeast { get; init; } = 12;

    /// <summary>Protective subscale at or below this is a concern (0–24).</summary>
    public int ProtectiveAtMost { get; init; } = 12;
}

/// <summary>Confirmed unexpected positives that call for a level-of-care review.</summary>
public sealed record LevelOfCareRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Confirmed unexpected positives (1–20) ...</summary>
    public int Positives { get; init; } = 3;

    /// <summary>... within this many days (7–90).</summary>
    public int WindowDays { get; init; } = 30;
}

/// <summary>Escalation of alerts nobody acknowledged.</summary>
public sealed record EscalationRule
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Hours after which an unacknowledged alert goes to the supervisor (1–168).</summary>
    public int UnacknowledgedHours { get; init; } = 24;
}
