namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>Records a signed 42 CFR Part 2 consent (§2.31), every element required.</summary>
/// <param name="DisclosingParty">Who may disclose: the program or organisation named on the form.</param>
/// <param name="InformationCategories">What may be disclosed: demographics, enrollment, attendance, drug_test, outcomes, clinical_note.</param>
/// <param name="RecipientApiClientIds">Partner apps (API client ids) named as recipients.</param>
/// <param name="TreatmentPaymentOperations">Recipients include the treatment/payment/health care operations class.</param>
/// <param name="Purpose">Purpose of the disclosure, as on the form.</param>
/// <param name="ExpiresOn">Last day in force (after today); or give <paramref name="ExpiryEvent"/>.</param>
/// <param name="ExpiryEvent">Event on which it expires: end_of_treatment.</param>
/// <param name="SignedBy">Name of the signer.</param>
/// <param name="SignerRelationship">patient, guardian or personal_representative; default patient.</param>
/// <param name="SignedAt">When it was signed (not in the future).</param>
/// <param name="RevocationRightAcknowledged">The form states the right to revoke in writing; must be true.</param>
internal sealed record CreateConsentRequest(
    string DisclosingParty,
    IReadOnlyList<string> InformationCategories,
    IReadOnlyList<Guid>? RecipientApiClientIds,
    bool TreatmentPaymentOperations,
    string Purpose,
    DateOnly? ExpiresOn,
    string? ExpiryEvent,
    string SignedBy,
    string? SignerRelationship,
    DateTimeOffset SignedAt,
    bool RevocationRightAcknowledged) : IRequest<ConsentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid PatientId { get; init; }

    [JsonIgnore]
    public string AuditCategory => "consent";

    [JsonIgnore]
    public string AuditAction => "create";

    [JsonIgnore]
    public Guid? AuditPatientId => PatientId;
}

internal sealed class CreateConsentValidator : AbstractValidator<CreateConsentRequest>
{
    public CreateConsentValidator(TimeProvider clock)
    {
        RuleFor(x => x.DisclosingParty).NotEmpty().MaximumLength(200);
        RuleFor(x => x.InformationCategories).NotEmpty().WithMessage("Name at least one information category.");
        RuleForEach(x => x.InformationCategories)
            .Must(c => !ConsentVocabulary.NeverUnderGeneralConsent.Contains(c))
            .WithMessage("SUD counselling notes and psychotherapy notes are never disclosed under a general consent.")
            .Must(c => ConsentVocabulary.NeverUnderGeneralConsent.Contains(c) || Contracts.InformationCategories.All.Contains(c))
            .WithMessage($"'{{PropertyValue}}' is not an information category; use {string.Join(", ", Contracts.InformationCategories.All)}.");
        RuleFor(x => x.RecipientApiClientIds).NotEmpty().WithMessage("Name at least one recipient: a partner app or the treatment/payment/operations class.")
            .When(x => !x.TreatmentPaymentOperations);
        RuleForEach(x => x.RecipientApiClientIds).NotEmpty();
        RuleFor(x => x.Purpose).NotEmpty().MaximumLength(500);
        RuleFor(x => x.ExpiresOn).NotNull().WithMessage("Give an expiry date or an expiry event (e.g. end_of_treatment).").When(x => x.ExpiryEvent is null);
        RuleFor(x => x.ExpiresOn).Must(d => d > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("The expiry date must be after today.")
            .When(x => x.ExpiresOn is not null);
        RuleFor(x => x.ExpiryEvent).Must(e => ConsentVocabulary.ExpiryEvents.Contains(e!)).WithMessage("Expiry event must be 'end_of_treatment'.")
            .When(x => x.ExpiryEvent is not null);
        RuleFor(x => x.SignedBy).NotEmpty().MaximumLength(200);
        RuleFor(x => x.SignerRelationship).Must(r => ConsentVocabulary.SignerRelationships.Contains(r!))
            .WithMessage("Signer relationship must be patient, guardian or personal_representative.").When(x => x.SignerRelationship is not null);
        RuleFor(x => x.SignedAt).NotEmpty().Must(t => t <= clock.GetUtcNow()).WithMessage("A consent cannot be signed in the future.");
        RuleFor(x => x.RevocationRightAcknowledged).Equal(true).WithMessage("The form must state the patient's right to revoke in writing (§2.31).");
    }
}

internal sealed class RecordConsentHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<CreateConsentRequest, ConsentDto>
{
    private const string Insert = """
        INSERT INTO enrollment_consent (id, patient_id, disclosing_party, treatment_payment_operations, purpose, expires_on, expiry_event, signed_by,
            signer_relationship, signed_at, revocation_right_acknowledged, created_by, version, created_at)
        VALUES (@Id, @PatientId, @DisclosingParty, @TreatmentPaymentOperations, @Purpose, @ExpiresOn, @ExpiryEvent, @SignedBy,
            @SignerRelationship, @SignedAt, @RevocationRightAcknowledged, @CreatedBy, 1, @CreatedAt)
        """;

    public async Task<ConsentDto> Handle(CreateConsentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await ConsentStore.EnsurePatientAsync(connection, request.PatientId, cancellationToken);
        var id = Guid.CreateVersion7();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, new
            {
                Id = id,
                request.PatientId,
                DisclosingParty = request.DisclosingParty.Trim(),
                request.TreatmentPaymentOperations,
                Purpose = request.Purpose.Trim(),
                request.ExpiresOn,
                request.ExpiryEvent,
                SignedBy = request.SignedBy.Trim(),
                SignerRelationship = request.SignerRelationship ?? "patient",
                request.SignedAt,
                request.RevocationRightAcknowledged,
                CreatedBy = caller.ActorId,
                CreatedAt = clock.GetUtcNow(),
            }, transaction, cancellationToken: cancellationToken));
            foreach (var category in request.InformationCategories.Distinct(StringComparer.Ordinal))
            {
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO enrollment_consent_category (consent_id, category) VALUES (@Id, @Category)",
                    new { Id = id, Category = category }, transaction, cancellationToken: cancellationToken));
            }
            foreach (var client in (request.RecipientApiClientIds ?? []).Distinct())
            {
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO enrollment_consent_recipient (consent_id, api_client_id) VALUES (@Id, @Client)",
                    new { Id = id, Client = client }, transaction, cancellationToken: cancellationToken));
            }
            await transaction.CommitAsync(cancellationToken);
        }
        audit.TouchedPatient(request.PatientId);
        return await ConsentStore.GetAsync(connection, id, cancellationToken);
    }
}

internal static class RecordConsentEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/patients/{patientId:guid}/consents", async (Guid patientId, CreateConsentRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var consent = await mediator.Send(body with { PatientId = patientId }, ct);
                return TypedResults.Created($"/api/v1/consents/{consent.Id}", consent);
            })
            .RequireRoles(Roles.Staff)
            .WithName("CreateConsent")
            .WithSummary("Record a 42 CFR Part 2 consent")
            .WithDescription("Records a signed consent with every §2.31 element: who may disclose, what information, recipients (partner apps and/or the " +
                             "treatment/payment/operations class), purpose, right to revoke, expiry date (after today) or event (end_of_treatment), signer and date signed.")
            .Accepts<CreateConsentRequest>("application/json")
            .Produces<ConsentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
    }
}
