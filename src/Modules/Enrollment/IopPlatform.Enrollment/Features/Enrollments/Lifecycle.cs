using System.Text.Json.Serialization;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Reactions;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Enrollment.Features.Programs;
using IopPlatform.Enrollment.Infrastructure;
using IopPlatform.Outcomes.Contracts;
using MediatR;
using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>What every transition carries besides its body: the enrollment (route) and the If-Match version (header).</summary>
internal abstract record TransitionRequest : IRequest<EnrollmentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid EnrollmentId { get; init; }

    [JsonIgnore]
    public int ExpectedVersion { get; init; }

    [JsonIgnore]
    public abstract string Action { get; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

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

/// <summary>Admits a screened, eligible referral: status <c>active</c>.</summary>
/// <param name="AdmissionDate">Default today (UTC); not before the referral, not in the future.</param>
/// <param name="Reason">Note for the status history.</param>
internal sealed record AdmitEnrollmentRequest(DateOnly? AdmissionDate, string? Reason) : TransitionRequest
{
    public override string Action => Transitions.Admit;
}

/// <summary>Hold, resume or cancel: a status change with a reason.</summary>
/// <param name="Reason">Why (required for hold and cancel).</param>
internal sealed record SimpleTransitionRequest(string? Reason) : TransitionRequest
{
    [JsonIgnore]
    public string Verb { get; init; } = Transitions.Hold;

    public override string Action => Verb;
}

/// <summary>Discharges an active or on-hold enrollment.</summary>
/// <param name="Reason">TEDS-aligned reason.</param>
/// <param name="Note">Free-text note.</param>
/// <param name="DischargeDate">Default today (UTC); not before admission, not in the future.</param>
/// <param name="ClinicianOverrideReason">Required to discharge as completed a patient not known to be completion-ready.</param>
internal sealed record DischargeEnrollmentRequest(DischargeReason Reason, string? Note, DateOnly? DischargeDate, string? ClinicianOverrideReason) : TransitionRequest
{
    public override string Action => Transitions.Discharge;
}

internal static class ScreeningCodes
{
    /// <summary>ICD-10-CM: letter (not U), digit, digit/A/B, then an optional dot and 1–4 characters.</summary>
    public const string Icd10Pattern = "^[A-TV-Z][0-9][0-9AB](\\.[0-9A-TV-Z]{1,4})?$";

    /// <summary>Analytes prescribed in IOP that make a drug test "expected positive".</summary>
    public static readonly IReadOnlySet<string> Analytes = new HashSet<string>(StringComparer.Ordinal)
    {
        "buprenorphine", "methadone", "naltrexone", "benzodiazepines", "opiates", "oxycodone", "fentanyl", "tramadol",
        "amphetamines", "methylphenidate", "barbiturates", "gabapentin", "cannabinoids", "pregabalin",
    };
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
        RuleForEach(x => x.ExpectedPositiveAnalytes).IsOneOf(ScreeningCodes.Analytes.Order(StringComparer.Ordinal))
            .WithMessage(_ => $"'{{PropertyValue}}' is not a known analyte; use one of {string.Join(", ", ScreeningCodes.Analytes.Order(StringComparer.Ordinal))}.");
        RuleFor(x => x.AgeGroup).IsInEnum();
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
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

internal sealed class SimpleTransitionValidator : AbstractValidator<SimpleTransitionRequest>
{
    public SimpleTransitionValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why (kept in the status history).").When(x => x.Verb is Transitions.Hold or Transitions.Cancel);
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
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

internal sealed class TransitionHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, IMediator mediator, IReactionOutbox reactions)
    : IRequestHandler<ScreenEnrollmentRequest, EnrollmentDto>,
      IRequestHandler<AdmitEnrollmentRequest, EnrollmentDto>,
      IRequestHandler<SimpleTransitionRequest, EnrollmentDto>,
      IRequestHandler<DischargeEnrollmentRequest, EnrollmentDto>
{
    private const string OpenInProgram = """
        SELECT id FROM enrollment_enrollment WHERE patient_id = @PatientId AND program_id = @ProgramId AND status IN ('active', 'on_hold') AND id <> @Id
        """;

    public Task<EnrollmentDto> Handle(ScreenEnrollmentRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, (row, _) =>
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
        }, request.Reason, cancellationToken);

    public Task<EnrollmentDto> Handle(AdmitEnrollmentRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, async (row, ctx) =>
        {
            var admission = request.AdmissionDate ?? Today;
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
            var open = await Dapper.SqlMapper.QueryFirstOrDefaultAsync<Guid?>(ctx.Connection, new Dapper.CommandDefinition(OpenInProgram, new { row.PatientId, row.ProgramId, row.Id }, ctx.Transaction, cancellationToken: cancellationToken));
            if (open is not null)
            {
                throw OneOpenConflict(open.Value);
            }
            row.AdmissionDate = admission;
        }, request.Reason, cancellationToken);

    public Task<EnrollmentDto> Handle(SimpleTransitionRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, (_, _) => Task.CompletedTask, request.Reason, cancellationToken);

    public async Task<EnrollmentDto> Handle(DischargeEnrollmentRequest request, CancellationToken cancellationToken)
    {
        // Asked before the transaction opens: Outcomes reads (and records milestones) on its own connection, which a
        // held SQLite write lock would block.
        var readiness = request.Reason == DischargeReason.Completed && string.IsNullOrWhiteSpace(request.ClinicianOverrideReason)
            ? await ReadinessAsync(request.EnrollmentId, cancellationToken)
            : null;
        return await RunAsync(request, async (row, db) =>
        {
            var date = request.DischargeDate ?? Today;
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
            await Consents.EndConsentsAtEndOfTreatment.RunAsync(db.Connection, db.Transaction, row.PatientId, row.Id, clock.GetUtcNow(), cancellationToken);
        }, string.IsNullOrWhiteSpace(request.Note) ? Codes.Of(request.Reason) : $"{Codes.Of(request.Reason)}: {request.Note}", cancellationToken);
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static ConflictException OneOpenConflict(Guid other) =>
        new($"The patient already has an active or on-hold enrollment in this program (enrollment '{other}'); discharge it first.");

    private Task<CompletionReadinessDto> ReadinessAsync(Guid enrollmentId, CancellationToken ct) =>
        mediator.Send(new GetCompletionReadinessQuery(enrollmentId), ct);

    private async Task<EnrollmentDto> RunAsync(TransitionRequest request, Func<EnrollmentRow, (System.Data.Common.DbConnection Connection, System.Data.Common.DbTransaction Transaction), Task> apply, string? reason, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var now = clock.GetUtcNow();
        EnrollmentRow row;
        EnrollmentStatus from;
        EnrollmentStatus to;
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            row = await EnrollmentStore.GetRowAsync(connection, request.EnrollmentId, ct, transaction);
            audit.TouchedPatient(row.PatientId);
            if (row.Version != request.ExpectedVersion)
            {
                throw new PreconditionFailedException($"Enrollment '{row.Id}' is at version {row.Version}; reload it and retry with its ETag.");
            }
            from = row.StatusValue;
            to = Transitions.Target(from, request.Action) ?? throw InvalidTransition(request.Action, from);
            await apply(row, (connection, transaction));
            row.Status = Codes.Of(to);
            try
            {
                if (!await EnrollmentStore.UpdateAsync(connection, transaction, row, now, ct))
                {
                    throw new PreconditionFailedException($"Enrollment '{row.Id}' changed meanwhile; reload it and retry with its ETag.");
                }
            }
            catch (System.Data.Common.DbException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                throw new ConflictException("The patient already has an active or on-hold enrollment in this program; discharge it first.");
            }
            await EnrollmentStore.AddHistoryAsync(connection, transaction, row.Id, Codes.Of(from), row.Status, caller.ActorId, caller.ActorType, now, reason, ct);
            await EnrollmentOutbox.WriteAsync(connection, transaction, EnrollmentEvents.StatusChanged, row.Id, row.PatientId,
                new { enrollmentId = row.Id, patientId = row.PatientId, programId = row.ProgramId, from = Codes.Of(from), to = row.Status, occurredAt = now }, now, ct);
            await EnqueueReactionsAsync(connection, transaction, row, from, to, now, request, ct);
            await transaction.CommitAsync(ct);
        }
        return await EnrollmentStore.ToDtoAsync(connection, await EnrollmentStore.GetRowAsync(connection, row.Id, ct), ct);
    }

    private static ConflictException InvalidTransition(string action, EnrollmentStatus from)
    {
        var allowed = Transitions.From(from);
        var conflict = new ConflictException(
            $"Cannot {action} an enrollment that is {Codes.Of(from)}. Allowed from {Codes.Of(from)}: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        conflict.Extensions["allowedTransitions"] = allowed;
        conflict.Extensions["currentStatus"] = Codes.Of(from);
        return conflict;
    }

    /// <summary>
    /// In the transition's transaction: the reactions (bookings, alerts closed) exist exactly when the transition does and
    /// are delivered after the commit, so a handler that fails can neither undo the transition nor be lost.
    /// </summary>
    private async Task EnqueueReactionsAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, EnrollmentRow row, EnrollmentStatus from, EnrollmentStatus to,
        DateTimeOffset now, TransitionRequest request, CancellationToken ct)
    {
        if (from != to)
        {
            await reactions.EnqueueAsync(connection, tx, new EnrollmentStatusChanged(row.Id, row.PatientId, row.ProgramId, from, to, now, caller.ActorId), row.Id, ct);
        }
        switch (request)
        {
            case AdmitEnrollmentRequest:
                var program = await mediator.Send(new GetProgramQuery(row.ProgramId), ct)
                    ?? throw new InvalidOperationException($"Program {row.ProgramId} of enrollment {row.Id} vanished.");
                await reactions.EnqueueAsync(connection, tx,
                    new EnrollmentActivated(
                        row.Id,
                        row.PatientId,
                        row.ProgramId,
                        program.SiteId,
                        row.AdmissionDate!.Value,
                        Codes.Parse<AgeGroup>(row.AgeGroup!),
                        row.RequiredHoursPerWeek ?? program.RequiredHoursPerWeekAdult,
                        program.CoreGroupIds,
                        now),
                    row.Id,
                    ct);
                break;
            case SimpleTransitionRequest { Verb: Transitions.Hold }:
                await reactions.EnqueueAsync(connection, tx, new EnrollmentOnHold(row.Id, row.PatientId, row.ProgramId, now), row.Id, ct);
                break;
            case SimpleTransitionRequest { Verb: Transitions.Resume }:
                await reactions.EnqueueAsync(connection, tx, new EnrollmentResumed(row.Id, row.PatientId, row.ProgramId, now), row.Id, ct);
                break;
            case DischargeEnrollmentRequest discharge:
                await reactions.EnqueueAsync(connection, tx, new EnrollmentDischarged(row.Id, row.PatientId, row.ProgramId, row.DischargeDate!.Value, discharge.Reason, row.ClinicianOverrideReason is not null, now), row.Id, ct);
                break;
            case SimpleTransitionRequest { Verb: Transitions.Cancel }:
                await reactions.EnqueueAsync(connection, tx, new EnrollmentCancelled(row.Id, row.PatientId, row.ProgramId, now), row.Id, ct);
                break;
        }
    }
}
