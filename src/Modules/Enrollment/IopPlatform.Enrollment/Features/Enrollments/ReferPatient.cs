using IopPlatform.BuildingBlocks.Reactions;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Refers a patient to a program: a new enrollment in status <c>referred</c>.</summary>
/// <param name="PatientId">The patient.</param>
/// <param name="ProgramId">The program.</param>
/// <param name="ReferralDate">Date of referral; default today (UTC). Not in the future.</param>
/// <param name="ReferredByClinician">Referring clinician (staff referrals); a partner app's referral records the app itself.</param>
/// <param name="Reason">Note for the status history.</param>
internal sealed record ReferPatientRequest(Guid PatientId, Guid ProgramId, DateOnly? ReferralDate, string? ReferredByClinician, string? Reason)
    : IRequest<EnrollmentDto>, IAuditedRequest
{
    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "create";

    [JsonIgnore]
    public Guid? AuditPatientId => PatientId;
}

internal sealed class ReferPatientValidator : AbstractValidator<ReferPatientRequest>
{
    public ReferPatientValidator(TimeProvider clock)
    {
        RuleFor(x => x.PatientId).NotEmpty();
        RuleFor(x => x.ProgramId).NotEmpty();
        RuleFor(x => x.ReferralDate).Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Referral date cannot be in the future.")
            .When(x => x.ReferralDate is not null);
        RuleFor(x => x.ReferredByClinician).MaximumLength(200);
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
}

internal sealed class ReferPatientHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, IMediator mediator, IReactionOutbox reactions)
    : IRequestHandler<ReferPatientRequest, EnrollmentDto>
{
    private const string PatientReferrer = "SELECT id, created_by_api_client_id AS CreatedByApiClientId FROM enrollment_patient WHERE id = @PatientId";
    private const string ProgramExists = "SELECT COUNT(*) FROM enrollment_program WHERE id = @ProgramId";

    public async Task<EnrollmentDto> Handle(ReferPatientRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var patient = await connection.QuerySingleOrDefaultAsync<PatientOrigin>(new CommandDefinition(PatientReferrer, request, cancellationToken: cancellationToken))
                      ?? throw new NotFoundException("Patient", request.PatientId);
        var partnerId = caller.IsExternalRecipient() ? caller.ApiClientId : null;
        if (caller.IsExternalRecipient() && (partnerId is null || patient.CreatedByApiClientId != partnerId))
        {
            // A partner refers the patients it registered, or those it holds an enrollment consent for; others do not exist
            // for it. The answer is its own referral, so the door only decides here: nothing of the record is disclosed.
            await mediator.Send(new DiscloseRecordsCommand(request.PatientId, InformationCategories.Enrollment, []) { RefusedAs = new("Patient", request.PatientId) }, cancellationToken);
        }
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(ProgramExists, request, cancellationToken: cancellationToken)) == 0)
        {
            throw new BadRequestException(nameof(request.ProgramId), $"Program '{request.ProgramId}' does not exist.");
        }
        var now = clock.GetUtcNow();
        var row = new EnrollmentRow
        {
            Id = Guid.CreateVersion7(),
            PatientId = request.PatientId,
            ProgramId = request.ProgramId,
            Status = Codes.Of(EnrollmentStatus.Referred),
            ReferredByApiClientId = partnerId,
            ReferredByClinician = partnerId is not null ? null : request.ReferredByClinician?.Trim() ?? caller.ActorName ?? caller.ActorId,
            ReferralDate = request.ReferralDate ?? DateOnly.FromDateTime(now.UtcDateTime),
            CreatedAt = now,
        };
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await EnrollmentStore.InsertAsync(connection, transaction, row, cancellationToken);
            await EnrollmentStore.AddHistoryAsync(connection, transaction, row.Id, null, row.Status, caller.ActorId, caller.ActorType, now, request.Reason, cancellationToken);
            await reactions.EnqueueAsync(connection, transaction,
                new EnrollmentStatusChanged(row.Id, row.PatientId, row.ProgramId, null, EnrollmentStatus.Referred, now, caller.ActorId), row.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        audit.TouchedPatient(row.PatientId);
        return await EnrollmentStore.ToDtoAsync(connection, await EnrollmentStore.GetRowAsync(connection, row.Id, cancellationToken), cancellationToken);
    }

    private sealed class PatientOrigin
    {
        public Guid Id { get; init; }

        public Guid? CreatedByApiClientId { get; init; }
    }
}

internal static class ReferPatientEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/enrollments", async (ReferPatientRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var enrollment = await mediator.Send(body, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Created($"/api/v1/enrollments/{enrollment.Id}", enrollment);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("ReferPatient")
            .WithSummary("Refer a patient to a program")
            .WithDescription("Creates an enrollment in status 'referred'. Staff record the referring clinician; a partner app's referral records the app " +
                             "(it refers patients for whom it holds a consent covering 'enrollment', or that it registered before partners stopped registering patients; otherwise 404). " +
                             "The answer is the partner's own referral: checked at the consent door, not a disclosure.")
            .Accepts<ReferPatientRequest>("application/json")
            .Produces<EnrollmentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
    }
}
