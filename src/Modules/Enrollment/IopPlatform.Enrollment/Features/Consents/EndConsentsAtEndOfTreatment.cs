namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>
/// A consent that expires at the end of treatment ends when the patient's last open episode is discharged, and the
/// moment is stored: a later referral starts new treatment, not the old consent again. Runs in the discharge's own
/// transaction, so the episode cannot end without its consents ending.
/// </summary>
internal static class EndConsentsAtEndOfTreatment
{
    private const string End = """
        UPDATE enrollment_consent SET ended_at = @At, version = version + 1
        WHERE patient_id = @PatientId AND expiry_event = 'end_of_treatment' AND ended_at IS NULL AND signed_at <= @At
          AND NOT EXISTS (SELECT 1 FROM enrollment_enrollment o
                          WHERE o.patient_id = @PatientId AND o.id <> @EnrollmentId AND o.status IN ('referred', 'screened', 'active', 'on_hold'))
        """;

    public static Task<int> RunAsync(DbConnection connection, DbTransaction transaction, Guid patientId, Guid dischargedEnrollmentId, DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(End, new { PatientId = patientId, EnrollmentId = dischargedEnrollmentId, At = at }, transaction, cancellationToken: ct));
}
