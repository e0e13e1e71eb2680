using FluentValidation.Results;
using IopPlatform.BuildingBlocks.Reactions;

namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>A completed measure form.</summary>
/// <param name="Instrument"><c>phq9</c> (9 items 0–3), <c>gad7</c> (7 × 0–3), <c>bam</c> (17 × 0–4), <c>audit_c</c> (3 × 0–4), <c>pcl5</c> (20 × 0–4).</param>
/// <param name="AdministeredAt">When the patient answered; not in the future.</param>
/// <param name="Answers">Item answers in form order.</param>
/// <param name="Sex">AUDIT-C only: <c>male</c> (positive at 4), <c>female</c> or <c>other</c> (positive at 3).</param>
/// <param name="LastUseOn">BAM only, optional: the date the patient last used, as they report it; dates the use the BAM's 30-day look-back reports (sustained-abstinence milestone).</param>
internal sealed record SubmitMeasureBody(string? Instrument, DateTimeOffset? AdministeredAt, IReadOnlyList<int>? Answers, string? Sex, DateOnly? LastUseOn = null);

/// <summary>Stores and scores a measure for an enrollment.</summary>
internal sealed record SubmitMeasureRequest(Guid EnrollmentId, SubmitMeasureBody Body) : IRequest<MeasureResultDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Measure;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class SubmitMeasureValidator : AbstractValidator<SubmitMeasureRequest>
{
    public SubmitMeasureValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.AdministeredAt).Cascade(CascadeMode.Stop).NotNull()
            .Must(at => at <= clock.GetUtcNow()).WithMessage("Administered at must not be in the future.")
            .OverridePropertyName("administeredAt");
        RuleFor(x => x.Body.LastUseOn).Must((request, day) => request.Body.Instrument == Instrument.Bam)
            .WithMessage("Only a BAM records the date of last use.").When(x => x.Body.LastUseOn is not null).OverridePropertyName("lastUseOn");
        RuleFor(x => x.Body.LastUseOn).Must((request, day) => day <= DateOnly.FromDateTime(request.Body.AdministeredAt!.Value.UtcDateTime))
            .WithMessage("The date of last use cannot be after the BAM was administered.")
            .When(x => x.Body.LastUseOn is not null && x.Body.AdministeredAt is not null).OverridePropertyName("lastUseOn");
        RuleFor(x => x.Body).Custom((body, context) =>
        {
            foreach (var error in MeasureScoring.Validate(body.Instrument, body.Answers, body.Sex))
            {
                context.AddFailure(new ValidationFailure(error.Field, error.Message));
            }
        });
    }
}

internal sealed class SubmitMeasureHandler(
    IDbConnectionFactory db,
    IMediator mediator,
    IReactionOutbox reactions,
    TimeProvider clock,
    ICurrentCaller caller,
    IAuditScope audit,
    OutcomesSettings settings) : IRequestHandler<SubmitMeasureRequest, MeasureResultDto>
{
    private const string Insert = """
        INSERT INTO outcomes_measure (id, enrollment_id, patient_id, program_id, instrument, administered_at, answers, sex, total, band,
                                      flags, bam_use, bam_risk, bam_protective, last_use_on, recorded_by, recorded_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @ProgramId, @Instrument, @AdministeredAt, @Answers, @Sex, @Total, @Band,
                @Flags, @BamUse, @BamRisk, @BamProtective, @LastUseOn, @RecordedBy, @RecordedAt)
        """;

    private const string InsertAlert = """
        INSERT INTO outcomes_safety_alert (id, enrollment_id, patient_id, measure_id, item_score, status, case_manager_id,
                                           primary_counsellor_id, raised_at, version)
        VALUES (@AlertId, @EnrollmentId, @PatientId, @MeasureId, @ItemScore, 'open', @CaseManagerId, @PrimaryCounsellorId, @RaisedAt, 1)
        """;

    private const string SelectBaseline = $"{MeasureRow.SelectBaselines} AND m.instrument = @Instrument";

    public async Task<MeasureResultDto> Handle(SubmitMeasureRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var instrument = body.Instrument!;
        var pcl5Threshold = settings.Pcl5Threshold;
        if (instrument == Instrument.Pcl5)
        {
            await using var read = await db.OpenAsync(cancellationToken);
            pcl5Threshold = (await ProgramPcl5CutOffStore.LoadAsync(read, profile.ProgramId, settings, cancellationToken)).CutOff.ProvisionalPtsdThreshold;
        }
        var score = MeasureScoring.Score(instrument, body.Answers!, body.Sex, pcl5Threshold);
        var now = clock.GetUtcNow();
        var row = new MeasureRow
        {
            Id = Guid.CreateVersion7(),
            EnrollmentId = profile.EnrollmentId,
            PatientId = profile.PatientId,
            ProgramId = profile.ProgramId,
            Instrument = instrument,
            AdministeredAt = body.AdministeredAt!.Value.ToUniversalTime(),
            Answers = MeasureRow.JoinAnswers(body.Answers!),
            Sex = instrument == Instrument.AuditC ? body.Sex : null,
            Total = score.Total,
            Band = score.Band,
            Flags = string.Join(',', score.Flags),
            BamUse = score.Subscale(MeasureWords.BamUse),
            BamRisk = score.Subscale(MeasureWords.BamRisk),
            BamProtective = score.Subscale(MeasureWords.BamProtective),
            LastUseOn = instrument == Instrument.Bam ? body.LastUseOn : null,
            RecordedBy = caller.ActorId,
            RecordedAt = now,
        };
        MeasureRow? baseline;
        await using (var connection = await db.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, row, transaction, cancellationToken: cancellationToken));
            var scored = new MeasureScored(row.Id, row.EnrollmentId, row.PatientId, instrument, score.Total, score.Band, score.Flags, row.AdministeredAt);
            await OutcomesOutbox.WriteAsync(connection, transaction, OutcomesOutbox.MeasureScored, row.Id, scored, now, cancellationToken);
            if (score.SafetyConcern)
            {
                var safety = new SafetyConcernRaised(Guid.CreateVersion7(), row.EnrollmentId, row.PatientId, row.Id, body.Answers![8],
                    profile.CaseManagerId, profile.PrimaryCounsellorId, now);
                await connection.ExecuteAsync(new CommandDefinition(InsertAlert, safety, transaction, cancellationToken: cancellationToken));
                await OutcomesOutbox.WriteAsync(connection, transaction, OutcomesOutbox.SafetyAlertRaised, safety.AlertId, safety, now, cancellationToken);
                // The case manager's safety alert (Engagement) must survive a crash right after this commit.
                await reactions.EnqueueAsync(connection, transaction, safety, row.EnrollmentId, cancellationToken);
            }
            var baselines = await connection.QueryAsync<MeasureRow>(new CommandDefinition(
                SelectBaseline, new { row.EnrollmentId, Instrument = instrument }, transaction, cancellationToken: cancellationToken));
            baseline = MeasureRow.BaselinesByInstrument(baselines).GetValueOrDefault(instrument);
            await transaction.CommitAsync(cancellationToken);
        }
        // Announced only once it is durable; the outbox rows carry it if this process stops here.
        await mediator.Publish(new MeasureScored(row.Id, row.EnrollmentId, row.PatientId, instrument, score.Total, score.Band, score.Flags, row.AdministeredAt), cancellationToken);
        return row.ToDto(baseline);
    }
}

internal static class SubmitMeasureEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/measures", async (Guid enrollmentId, SubmitMeasureBody body, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(new SubmitMeasureRequest(enrollmentId, body), ct);
                return TypedResults.Created($"/api/v1/enrollments/{enrollmentId}/measures/{result.Id}", result);
            })
            .RequireRoles(OutcomesRoles.ClinicalWriters)
            .WithName("SubmitMeasure")
            .WithSummary("Submit a measure")
            .WithDescription("Stores a PHQ-9, GAD-7, BAM, AUDIT-C or PCL-5 as item answers and returns the server's score: total, subscales, band, flags and reliable change against the enrollment's first score of the instrument. PHQ-9 item 9 above 0 raises a safety alert for the clinician and case manager.")
            .Accepts<SubmitMeasureBody>("application/json")
            .Produces<MeasureResultDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
