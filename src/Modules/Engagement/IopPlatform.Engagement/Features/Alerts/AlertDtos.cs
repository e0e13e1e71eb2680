using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>One change in an alert's life.</summary>
internal sealed record AlertHistoryDto
{
    /// <summary><c>raised</c>, <c>evidence_updated</c>, <c>severity_raised</c>, <c>acknowledged</c>, <c>outreach_attempted</c>, <c>escalated</c>, <c>resolved</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Status before.</summary>
    public string? FromStatus { get; init; }

    /// <summary>Status after.</summary>
    public required string ToStatus { get; init; }

    /// <summary>Severity after.</summary>
    public required string Severity { get; init; }

    /// <summary>Who (user id, or system:job).</summary>
    public required string Actor { get; init; }

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What changed, in words.</summary>
    public string? Detail { get; init; }

    /// <summary>The rule whose evaluation made this change (raised, severity raised, new evidence, resolved by return); null for staff actions.</summary>
    public string? Rule { get; init; }

    /// <summary>That evaluation's basis, as it was then.</summary>
    public string? Basis { get; init; }

    /// <summary>That evaluation's inputs, as they were then.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>That evaluation's evidence, as it was then.</summary>
    public IReadOnlyList<AlertEvidence>? Evidence { get; init; }
}

/// <summary>One logged outreach attempt.</summary>
internal sealed record OutreachAttemptDto
{
    /// <summary>Attempt id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The alert it answers.</summary>
    public required Guid AlertId { get; init; }

    /// <summary><c>call</c>, <c>sms</c>, <c>letter</c>, <c>in_person</c>.</summary>
    public required string Channel { get; init; }

    /// <summary><c>reached</c>, <c>voicemail</c>, <c>no_answer</c>, <c>wrong_number</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Barriers named: transport, childcare, work_schedule, housing, finances, ambivalence, health, other.</summary>
    public required IReadOnlyList<string> Barriers { get; init; }

    /// <summary>Free-text note.</summary>
    public string? Note { get; init; }

    /// <summary>When the attempt was made (UTC).</summary>
    public required DateTimeOffset AttemptedAt { get; init; }

    /// <summary>Who logged it.</summary>
    public required string RecordedBy { get; init; }
}

/// <summary>An alert: why it was raised, for whom, and what has been done.</summary>
internal sealed record AlertDto
{
    /// <summary>Alert id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary><c>drift</c> (dropout risk, from attendance patterns), <c>outreach_task</c> (one per no-show) or <c>safety</c> (PHQ-9 item 9).</summary>
    public required string AlertType { get; init; }

    /// <summary>The rule that raised it: <c>consecutive_missed</c>, <c>no_recent_attendance</c>, <c>attendance_ratio</c>, <c>no_show_with_clinical_signal</c>, <c>no_show_outreach</c> or <c>safety</c>.</summary>
    public required string Rule { get; init; }

    /// <summary><c>info</c>, <c>amber</c> or <c>red</c>.</summary>
    public required string Severity { get; init; }

    /// <summary><c>open</c>, <c>acknowledged</c>, <c>outreach_attempted</c>, <c>escalated</c>, <c>resolved</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Tasks the alert carries: <c>discharge_review</c> (red attendance alerts; never an automatic discharge). Clinical flags are on the review list.</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>The rule's basis and numbers.</summary>
    public required string Basis { get; init; }

    /// <summary>The rule's inputs at the latest evaluation that changed the alert; each evaluation's own inputs and evidence are on its history row.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>The sessions, drug tests and measures the alert rests on.</summary>
    public required IReadOnlyList<AlertEvidence> Evidence { get; init; }

    /// <summary>Assigned case manager (from the care team when raised).</summary>
    public StaffRefDto? CaseManager { get; init; }

    /// <summary>Supervisor: the escalation target.</summary>
    public StaffRefDto? Supervisor { get; init; }

    /// <summary>Clinician the alert is also routed to (safety alerts).</summary>
    public string? ClinicianId { get; init; }

    /// <summary>When outreach is due (outreach tasks).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Raised (UTC).</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>Last changed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Acknowledged (UTC).</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Escalated (UTC).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>Resolved (UTC).</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Resolution code and note.</summary>
    public string? Resolution { get; init; }

    /// <summary>What may happen next.</summary>
    public required IReadOnlyList<string> AllowedTransitions { get; init; }

    /// <summary>History, oldest first (detail only).</summary>
    public IReadOnlyList<AlertHistoryDto> History { get; init; } = [];

    /// <summary>Outreach attempts, oldest first (detail only).</summary>
    public IReadOnlyList<OutreachAttemptDto> OutreachAttempts { get; init; } = [];

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }
}
