namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Admits a screened, eligible referral: status <c>active</c>.</summary>
/// <param name="AdmissionDate">Default today (UTC); not before the referral, not in the future.</param>
/// <param name="Reason">Note for the status history.</param>
internal sealed record AdmitEnrollmentRequest(DateOnly? AdmissionDate, string? Reason) : TransitionRequest
{
    public override string Action => Transitions.Admit;
}

internal sealed class AdmitEnrollmentValidator : AbstractValidator<AdmitEnrollmentRequest>
{
    public AdmitEnrollmentValidator(TimeProvider clock)
    {
        RuleFor(x => x.AdmissionDate).Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Admission date cannot be in the future.")
            .When(x => x.AdmissionDate is not null);
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
}

internal sealed class AdmitEnrollmentHandler(EnrollmentTransition transition, IMediator mediator) : IRequestHandler<AdmitEnrollmentRequest, EnrollmentDto>
{
    private const string OpenInProgram = """
        SELECT id FROM enrollment_enrollment WHERE patient_id = @PatientId AND program_id = @ProgramId AND status IN ('active', 'on_hold') AND id <> @Id
        """;

    public Task<EnrollmentDto> Handle(AdmitEnrollmentRequest request, CancellationToken cancellationToken) =>
        transition.RunAsync(request, async (row, scope) =>
        {
            var admission = request.AdmissionDate ?? transition.Today;
            if (admission < row.ReferralDate)
            {
                throw new UnprocessableException($"Admission date {admission:yyyy-MM-dd} is before the referral date {row.ReferralDate:yyyy-MM-dd}.");
            }
            var findings = Eligibility.Evaluate(row.Screening(), admission);
            if (findings.Count > 0)
            {
                var refused = new UnprocessableException("The referral is not eligible for admission: " + string.Join("; ", findings.Select(f => f.Explanation)) + ".");
                refused.Extensions["reasons"] = findings;
                throw refused;
            }
            var open = await scope.Connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(OpenInProgram, new { row.PatientId, row.ProgramId, row.Id }, scope.Transaction, cancellationToken: cancellationToken));
            if (open is not null)
            {
                throw new ConflictException($"The patient already has an active or on-hold enrollment in this program (enrollment '{open.Value}'); discharge it first.");
            }
            row.AdmissionDate = admission;
        }, async (row, scope) =>
        {
            var program = await mediator.Send(new GetProgramQuery(row.ProgramId), cancellationToken)
                ?? throw new InvalidOperationException($"Program {row.ProgramId} of enrollment {row.Id} vanished.");
            await transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction,
                new EnrollmentActivated(
                    row.Id,
                    row.PatientId,
                    row.ProgramId,
                    program.SiteId,
                    row.AdmissionDate!.Value,
                    Codes.Parse<AgeGroup>(row.AgeGroup!),
                    row.RequiredHoursPerWeek ?? program.RequiredHoursPerWeekAdult,
                    program.CoreGroupIds,
                    scope.Now),
                row.Id,
                cancellationToken);
        }, request.Reason, cancellationToken);
}

internal static class AdmitEnrollmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        TransitionEndpoint.Map<AdmitEnrollmentRequest>(group, Transitions.Admit, "AdmitEnrollment", "Admit",
            "screened → active. Refused with 422 (problem member 'reasons' lists each eligibility finding) when the referral is not eligible, e.g. " +
            "'needs medically supervised detox first: not admitted until detox is completed'; 422 when the admission date is before the referral; " +
            "409 when the patient already has an active or on-hold enrollment in the program. ", required: false);
}
