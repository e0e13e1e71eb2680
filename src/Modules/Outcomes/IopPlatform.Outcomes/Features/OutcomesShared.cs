namespace IopPlatform.Outcomes.Features;

/// <summary>Who may do what with outcomes data.</summary>
internal static class OutcomesRoles
{
    /// <summary>Clinical data (measures, drug tests, overrides) is written by clinicians and supervisors.</summary>
    public static readonly string[] ClinicalWriters = [Roles.Clinician, Roles.Supervisor];

    /// <summary>Housing, income and support attendance are case-management facts as much as clinical ones.</summary>
    public static readonly string[] RecoveryWriters = [Roles.Clinician, Roles.Supervisor, Roles.CaseManager];

    /// <summary>Staff read; partner apps read (consent is enforced by the consent issue).</summary>
    public static readonly string[] Readers = [Roles.Admin, Roles.Clinician, Roles.Supervisor, Roles.CaseManager, Roles.Partner];

    /// <summary>Program configuration.</summary>
    public static readonly string[] ProgramConfigurers = [Roles.Admin, Roles.Supervisor];
}

internal static class AuditCategories
{
    public const string Measure = "measure";
    public const string DrugTest = "drug_test";
    public const string Recovery = "recovery";
    public const string Milestone = "milestone";
}

internal static class EnrollmentAccess
{
    /// <summary>The enrollment's profile from the Enrollment module (404 when it does not exist); records the patient for the audit.</summary>
    public static async Task<EnrollmentClinicalProfileDto> RequireProfileAsync(this IMediator mediator, Guid enrollmentId, IAuditScope audit, CancellationToken ct)
    {
        var profile = await mediator.Send(new GetEnrollmentClinicalProfileQuery(enrollmentId), ct).ConfigureAwait(false)
            ?? throw new NotFoundException("Enrollment", enrollmentId);
        audit.TouchedPatient(profile.PatientId);
        return profile;
    }
}

/// <summary>
/// Events that must reach partners or the alert inbox even if the process dies after commit: written in the same
/// transaction as the change, delivered later by a job.
/// </summary>
internal static class OutcomesOutbox
{
    public const string SafetyAlertRaised = "safety.alert_raised";
    public const string MeasureScored = "measure.scored";
    public const string DrugTestRecorded = "drug_test.recorded";
    public const string MilestoneAchieved = "milestone.achieved";

    public const string Table = "outcomes_outbox";

    public static Task WriteAsync(DbConnection connection, DbTransaction transaction, string eventType, Guid aggregateId, object payload, DateTimeOffset at, CancellationToken ct) =>
        EventOutbox.WriteAsync(connection, transaction, Table, eventType, aggregateId, payload, at, ct);
}
