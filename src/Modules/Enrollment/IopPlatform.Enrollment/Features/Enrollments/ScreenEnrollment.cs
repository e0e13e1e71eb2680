using IopPlatform.BuildingBlocks.Messaging;
using IopPlatform.Enrollment.Features.Programs;
using IopPlatform.Outcomes.Contracts;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Records the intake screening; moves a referral to <c>screened</c> (or updates the answers of a screened one).</summary>
/// <param name="DetoxStatus">not_needed, needed, or completed.</param>
/// <param name="DetoxCompletedOn">Required when detox is completed; not in the future.</param>
/// <param name="RecommendedBy">The licensed clinician recommending IOP.</param>
/// <param name="RecommendedOn">Date of the recommendation; not in the future.</param>
/// <param name="RecommendedLevelOfCare">Recommended level of care, e.g. "asam-3:2.1".</param>
/// <param name="ActualLevelOfCare">Level of care to be provided.</param>
/// <param name="LevelOfCareDifferenceReason">Required when recommended and actual levels differ.</param>
/// <param name="DualDiagnosis">Co-occurring mental-health disorder; needs at least one ICD-10 code.</param>
/// <param name="DiagnosisCodes">ICD-10 codes such as "F32.1".</param>
/// <param name="ExpectedPositiveAnalytes">Prescribed analytes a drug test is expected to find (buprenorphine, methadone, ...).</param>
/// <param name="AgeGroup">adult or adolescent: decides required weekly hours.</param>
/// <param name="Reason">Note for the status history.</param>
internal sealed record ScreenEnrollmentRequest(
    DetoxStatus DetoxStatus,
    DateOnly? DetoxCompletedOn,
    string? RecommendedBy,
    DateOnly? RecommendedOn,
    string? RecommendedLevelOfCare,
    string? ActualLevelOfCare,
    string? LevelOfCareDifferenceReason,
    bool DualDiagnosis,
    IReadOnlyList<string>? DiagnosisCodes,
    IReadOnlyList<string>? ExpectedPositiveAnalytes,
    AgeGroup? AgeGroup,
    string? Reason) : TransitionRequest
{
    public override string Action => Transitions.Screen;
}

internal static class ScreeningCodes
{
    /// <summary>ICD-10-CM: letter (not U), digit, digit/A/B, then an optional dot and 1–4 characters.</summary>
    public const string Icd10Pattern = "^[A-TV-Z][0-9][0-9AB](\\.[0-9A-TV-Z]{1,4})?$";

    /// <summary>Analytes a prescription may make "expected positive": the drug-test panel's own codes (one vocabulary).</summary>
    public static readonly IReadOnlyList<string> Analytes = AnalyteCodes.All.Order(StringComparer.Ordinal).ToList();
}

internal sealed class ScreenEnrollmentValidator : AbstractValidator<ScreenEnrollmentRequest>
{
    public ScreenEnrollmentValidator(TimeProvider clock)
    {
        var today = () => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        RuleFor(x => x.DetoxStatus).IsInEnum();
        RuleFor(x => x.DetoxCompletedOn).NotNull().WithMessage("Detox completion date is required when detox is completed.")
            .When(x => x.DetoxStatus == DetoxStatus.Completed);
        RuleFor(x => x.DetoxCompletedOn).Must(d => d <= today()).WithMessage("Detox completion date cannot be in the future.")
            .When(x => x.DetoxCompletedOn is not null);
        RuleFor(x => x.DetoxCompletedOn).Null().WithMessage("A detox completion date belongs only to detox status 'completed'.")
            .When(x => x.DetoxStatus != DetoxStatus.Completed);
        RuleFor(x => x.RecommendedBy).MaximumLength(200);
        RuleFor(x => x.RecommendedOn).NotNull().WithMessage("The date of the clinician's recommendation is required.").When(x => !string.IsNullOrWhiteSpace(x.RecommendedBy));
        RuleFor(x => x.RecommendedOn).Must(d => d <= today()).WithMessage("Recommendation date cannot be in the future.").When(x => x.RecommendedOn is not null);
        RuleFor(x => x.RecommendedLevelOfCare).Matches(LevelOfCare.Pattern).WithMessage("Level of care must be a versioned code such as 'asam-3:2.1'.");
        RuleFor(x => x.ActualLevelOfCare).Matches(LevelOfCare.Pattern).WithMessage("Level of care must be a versioned code such as 'asam-3:2.1'.");
        RuleFor(x => x.LevelOfCareDifferenceReason).NotEmpty().WithMessage("Give the reason the actual level of care differs from the recommended one.")
            .When(x => x.RecommendedLevelOfCare is not null && x.ActualLevelOfCare is not null && x.RecommendedLevelOfCare != x.ActualLevelOfCare);
        RuleFor(x => x.LevelOfCareDifferenceReason).MaximumLength(1000);
        RuleFor(x => x.DiagnosisCodes).NotEmpty().WithMessage("A dual diagnosis needs at least one ICD-10 code.").When(x => x.DualDiagnosis);
        RuleFor(x => x.DiagnosisCodes).Empty().WithMessage("Diagnosis codes are recorded with the dual-diagnosis flag set.").When(x => !x.DualDiagnosis);
        RuleFor(x => x.DiagnosisCodes).Must(c => c!.Count <= 20 && c.Distinct(StringComparer.Ordinal).Count() == c.Count)
            .WithMessage("At most 20 diagnosis codes, without repeats.").When(x => x.DiagnosisCodes is not null);
        RuleForEach(x => x.DiagnosisCodes).Matches(ScreeningCodes.Icd10Pattern).WithMessage("'{PropertyValue}' is not an ICD-10 code (e.g. F32.1, F41.1).");
        RuleForEach(x => x.ExpectedPositiveAnalytes).IsOneOf(ScreeningCodes.Analytes)
            .WithMessage((_, code) => code is not null && AnalyteCodes.Renamed.TryGetValue(code, out var now)
                ? $"'{code}' is now '{now}' (the drug-test panel's code)."
                : $"Unknown analyte code; allowed: {string.Join(", ", ScreeningCodes.Analytes)}.");
        RuleFor(x => x.AgeGroup).IsInEnum();
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
}

internal sealed class ScreenEnrollmentHandler(EnrollmentTransition transition) : IRequestHandler<ScreenEnrollmentRequest, EnrollmentDto>
{
    public Task<EnrollmentDto> Handle(ScreenEnrollmentRequest request, CancellationToken cancellationToken) =>
        transition.RunAsync(request, (row, _) =>
        {
            row.DetoxStatus = Codes.Of(request.DetoxStatus);
            row.DetoxCompletedOn = request.DetoxCompletedOn;
            row.RecommendedBy = string.IsNullOrWhiteSpace(request.RecommendedBy) ? null : request.RecommendedBy.Trim();
            row.RecommendedOn = request.RecommendedOn;
            row.RecommendedLevelOfCare = request.RecommendedLevelOfCare;
            row.ActualLevelOfCare = request.ActualLevelOfCare;
            row.LevelOfCareDifferenceReason = request.LevelOfCareDifferenceReason;
            row.DualDiagnosis = request.DualDiagnosis;
            row.DiagnosisCodes = ColumnJson.Write(request.DiagnosisCodes ?? []);
            row.ExpectedPositiveAnalytes = ColumnJson.Write(request.ExpectedPositiveAnalytes ?? []);
            row.AgeGroup = Codes.Of(request.AgeGroup);
            return Task.CompletedTask;
        }, react: null, request.Reason, cancellationToken);
}

internal static class ScreenEnrollmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        TransitionEndpoint.Map<ScreenEnrollmentRequest>(group, Transitions.Screen, "ScreenEnrollment", "Record the intake screening",
            "Records detox status, clinician recommendation, levels of care, dual diagnosis (ICD-10), expected-positive medications and age group; " +
            "referred → screened, or updates a screened referral (e.g. detox now completed). ", required: true);
}
