namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Answers other modules (Outcomes, alerts) with what they need to interpret an enrollment's clinical data.</summary>
internal sealed class GetEnrollmentClinicalProfileHandler(IDbConnectionFactory db)
    : IRequestHandler<GetEnrollmentClinicalProfileQuery, EnrollmentClinicalProfileDto?>
{
    public async Task<EnrollmentClinicalProfileDto?> Handle(GetEnrollmentClinicalProfileQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await EnrollmentStore.FindRowAsync(connection, request.EnrollmentId, cancellationToken);
        if (row is null)
        {
            return null;
        }
        var enrollment = await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken);
        // The instant of the transition, not just the admission date: abstinence windows are counted from it.
        var admittedAt = enrollment.History.Where(h => h.To == EnrollmentStatus.Active).Select(h => (DateTimeOffset?)h.ChangedAt).Min();
        var dischargedAt = enrollment.History.Where(h => h.To == EnrollmentStatus.Discharged).Select(h => (DateTimeOffset?)h.ChangedAt).Max();
        return new EnrollmentClinicalProfileDto
        {
            EnrollmentId = enrollment.Id,
            PatientId = enrollment.PatientId,
            ProgramId = enrollment.ProgramId,
            Status = Codes.Of(enrollment.Status),
            AgeGroup = enrollment.Screening.AgeGroup is { } age ? Codes.Of(age) : Codes.Of(AgeGroup.Adult),
            AdmittedAt = admittedAt,
            DischargedAt = dischargedAt,
            PrescribedAnalytes = enrollment.Screening.ExpectedPositiveAnalytes,
            CaseManagerId = enrollment.CareTeam.CaseManager?.UserId,
            PrimaryCounsellorId = enrollment.CareTeam.PrimaryCounsellor?.UserId,
            SupervisorId = enrollment.CareTeam.Supervisor?.UserId,
        };
    }
}
