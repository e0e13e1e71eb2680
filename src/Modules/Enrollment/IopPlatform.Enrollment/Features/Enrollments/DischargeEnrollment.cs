using IopPlatform.Enrollment.Features.Consents;
using IopPlatform.Outcomes.Contracts;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Discharges an active or on-hold enrollment.</summary>
/// <param name="Reason">TEDS-aligned reason.</param>
/// <param name="Note">Free-text note.</param>
/// <param name="DischargeDate">Default today (UTC); not before admission, not in the future.</param>
/// <param name="ClinicianOverrideReason">Required to discharge as completed a patient not known to be completion-ready.</param>
internal sealed record DischargeEnrollmentRequest(DischargeReason Reason, string? Note, DateOnly? DischargeDate, string? ClinicianOverrideReason) : TransitionRequest
{
    public override string Action => Transitions.Discharge;
}

internal sealed class DischargeEnrollmentValidator : AbstractValidator<DischargeEnrollmentRequest>
{
    public DischargeEnrollmentValidator(TimeProvider clock)
    {
        RuleFor(x => x.Reason).IsInEnum();
        RuleFor(x => x.Note).MaximumLength(2000);
        RuleFor(x => x.ClinicianOverrideReason).MaximumLength(1000);
        RuleFor(x => x.DischargeDate).Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Discharge date cannot be in the future.")
            .When(x => x.DischargeDate is not null);
    }
}

internal sealed class DischargeEnrollmentHandler(EnrollmentTransition transition, IMediator mediator) : IRequestHandler<DischargeEnrollmentRequest, EnrollmentDto>
{
    public async Task<EnrollmentDto> Handle(DischargeEnrollmentRequest request, CancellationToken cancellationToken)
    {
        // Asked before the transaction opens: Outcomes reads (and records milestones) on its own connection, which a
        // held SQLite write lock would block.
        var readiness = request.Reason == DischargeReason.Completed && string.IsNullOrWhiteSpace(request.ClinicianOverrideReason)
            ? await mediator.Send(new GetCompletionReadinessQuery(request.EnrollmentId), cancellationToken)
            : null;
        return await transition.RunAsync(request, async (row, scope) =>
        {
            var date = request.DischargeDate ?? transition.Today;
            if (row.AdmissionDate is { } admitted && date < admitted)
            {
                throw new UnprocessableException($"Discharge date {date:yyyy-MM-dd} is before the admission date {admitted:yyyy-MM-dd}.");
            }
            if (readiness is { Ready: false })
            {
                var refused = new UnprocessableException(
                    "The patient is not known to be completion-ready; discharging as 'completed' needs clinicianOverrideReason.");
                refused.Extensions["readinessReasons"] = readiness.Reasons;
                throw refused;
            }
            row.DischargeDate = date;
            row.DischargeReason = Codes.Of(request.Reason);
            row.DischargeNote = request.Note;
            row.ClinicianOverrideReason = string.IsNullOrWhiteSpace(request.ClinicianOverrideReason) ? null : request.ClinicianOverrideReason.Trim();
            await EndConsentsAtEndOfTreatment.RunAsync(scope.Connection, scope.Transaction, row.PatientId, row.Id, scope.Now, cancellationToken);
        }, (row, scope) => transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction,
            new EnrollmentDischarged(row.Id, row.PatientId, row.ProgramId, row.DischargeDate!.Value, request.Reason, row.ClinicianOverrideReason is not null, scope.Now),
            row.Id, cancellationToken),
            string.IsNullOrWhiteSpace(request.Note) ? Codes.Of(request.Reason) : $"{Codes.Of(request.Reason)}: {request.Note}", cancellationToken);
    }
}

internal static class DischargeEnrollmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        TransitionEndpoint.Map<DischargeEnrollmentRequest>(group, Transitions.Discharge, "DischargeEnrollment", "Discharge",
            "active or on_hold → discharged with a TEDS-aligned reason. Reason 'completed' needs completion readiness from Outcomes or a " +
            "clinicianOverrideReason (422 otherwise, with 'readinessReasons'). ", required: true);
}
