using System.Data.Common;
using System.Text.Json.Serialization;
using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Enrollment.Infrastructure;
using MediatR;

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

internal static class ConsentVocabulary
{
    public const string EndOfTreatment = "end_of_treatment";

    public static readonly IReadOnlySet<string> ExpiryEvents = new HashSet<string>(StringComparer.Ordinal) { EndOfTreatment };

    public static readonly IReadOnlySet<string> SignerRelationships = new HashSet<string>(StringComparer.Ordinal) { "patient", "guardian", "personal_representative" };

    public static readonly IReadOnlySet<string> ReceivedVia = new HashSet<string>(StringComparer.Ordinal) { "mail", "in_person", "portal", "fax", "email", "oral" };

    /// <summary>Part 2 keeps these apart from the record; a general consent never reaches them.</summary>
    public static readonly IReadOnlySet<string> NeverUnderGeneralConsent = new HashSet<string>(StringComparer.Ordinal) { "counselling_notes", "counseling_notes", "psychotherapy_notes" };
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

/// <summary>Revokes a consent. Disclosures stop at once; past disclosures stay in the accounting.</summary>
/// <param name="RevokedBy">Who revoked (usually the patient's name).</param>
/// <param name="InWriting">The revocation was received in writing.</param>
/// <param name="ReceivedVia">mail, in_person, portal, fax, email or oral.</param>
/// <param name="RevokedAt">When it was received; default now, not in the future.</param>
internal sealed record RevokeConsentRequest(string RevokedBy, bool InWriting, string ReceivedVia, DateTimeOffset? RevokedAt) : IRequest<ConsentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid ConsentId { get; init; }

    [JsonIgnore]
    public string AuditCategory => "consent";

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class RevokeConsentValidator : AbstractValidator<RevokeConsentRequest>
{
    public RevokeConsentValidator(TimeProvider clock)
    {
        RuleFor(x => x.RevokedBy).NotEmpty().MaximumLength(200);
        RuleFor(x => x.ReceivedVia).NotEmpty().Must(v => ConsentVocabulary.ReceivedVia.Contains(v))
            .WithMessage($"Received via must be one of {string.Join(", ", ConsentVocabulary.ReceivedVia)}.");
        RuleFor(x => x.RevokedAt).Must(t => t <= clock.GetUtcNow()).WithMessage("A revocation cannot be in the future.").When(x => x.RevokedAt is not null);
    }
}

/// <summary>A patient's consents, newest first.</summary>
/// <param name="PatientId">Patient.</param>
internal sealed record ListConsentsRequest(Guid PatientId) : IRequest<IReadOnlyList<ConsentDto>>, IAuditedRequest
{
    public string AuditCategory => "consent";

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

/// <summary>The accounting of disclosures of one patient (§2.25).</summary>
/// <param name="PatientId">Patient.</param>
/// <param name="From">From (default three years before now).</param>
/// <param name="To">To (default now).</param>
internal sealed record ListDisclosuresRequest(Guid PatientId, DateTimeOffset? From, DateTimeOffset? To) : IRequest<IReadOnlyList<DisclosureDto>>, IAuditedRequest
{
    public string AuditCategory => "consent";

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListDisclosuresValidator : AbstractValidator<ListDisclosuresRequest>
{
    public ListDisclosuresValidator() =>
        RuleFor(x => x.To).GreaterThanOrEqualTo(x => x.From!.Value).WithMessage("'to' must not be before 'from'.").When(x => x.From is not null && x.To is not null);
}

internal static class ConsentStore
{
    private const string Select = """
        SELECT id, patient_id AS PatientId, disclosing_party AS DisclosingParty, treatment_payment_operations AS TreatmentPaymentOperations,
               purpose, expires_on AS ExpiresOn, expiry_event AS ExpiryEvent, ended_at AS EndedAt, signed_by AS SignedBy, signer_relationship AS SignerRelationship,
               signed_at AS SignedAt, revocation_right_acknowledged AS RevocationRightAcknowledged, revoked_at AS RevokedAt, revoked_by AS RevokedBy,
               revoked_in_writing AS RevokedInWriting, revocation_received_via AS RevocationReceivedVia, revocation_recorded_by AS RevocationRecordedBy,
               version, created_at AS CreatedAt
        FROM enrollment_consent
        """;

    public static async Task<IReadOnlyList<ConsentDto>> ReadAsync(DbConnection connection, string where, object parameters, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<ConsentRow>(new CommandDefinition($"{Select} {where}", parameters, cancellationToken: ct))).AsList();
        var result = new List<ConsentDto>(rows.Count);
        foreach (var row in rows)
        {
            var categories = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT category FROM enrollment_consent_category WHERE consent_id = @Id ORDER BY category", new { row.Id }, cancellationToken: ct));
            var recipients = await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT api_client_id FROM enrollment_consent_recipient WHERE consent_id = @Id ORDER BY api_client_id", new { row.Id }, cancellationToken: ct));
            result.Add(row.ToDto(categories.AsList(), recipients.AsList()));
        }
        return result;
    }

    public static async Task<ConsentDto> GetAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        (await ReadAsync(connection, "WHERE id = @Id", new { Id = id }, ct)).SingleOrDefault() ?? throw new NotFoundException("Consent", id);

    private sealed class ConsentRow
    {
        public Guid Id { get; init; }

        public Guid PatientId { get; init; }

        public string DisclosingParty { get; init; } = string.Empty;

        public bool TreatmentPaymentOperations { get; init; }

        public string Purpose { get; init; } = string.Empty;

        public DateOnly? ExpiresOn { get; init; }

        public string? ExpiryEvent { get; init; }

        public DateTimeOffset? EndedAt { get; init; }

        public string SignedBy { get; init; } = string.Empty;

        public string SignerRelationship { get; init; } = string.Empty;

        public DateTimeOffset SignedAt { get; init; }

        public bool RevocationRightAcknowledged { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public string? RevokedBy { get; init; }

        public bool? RevokedInWriting { get; init; }

        public string? RevocationReceivedVia { get; init; }

        public string? RevocationRecordedBy { get; init; }

        public int Version { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public ConsentDto ToDto(IReadOnlyList<string> categories, IReadOnlyList<Guid> recipients) => new()
        {
            Id = Id,
            PatientId = PatientId,
            DisclosingParty = DisclosingParty,
            InformationCategories = categories,
            RecipientApiClientIds = recipients,
            TreatmentPaymentOperations = TreatmentPaymentOperations,
            Purpose = Purpose,
            ExpiresOn = ExpiresOn,
            ExpiryEvent = ExpiryEvent,
            EndedAt = EndedAt,
            SignedBy = SignedBy,
            SignerRelationship = SignerRelationship,
            SignedAt = SignedAt,
            RevocationRightAcknowledged = RevocationRightAcknowledged,
            RevokedAt = RevokedAt,
            RevokedBy = RevokedBy,
            RevokedInWriting = RevokedInWriting,
            RevocationReceivedVia = RevocationReceivedVia,
            RevocationRecordedBy = RevocationRecordedBy,
            Version = Version,
            CreatedAt = CreatedAt,
        };
    }
}

internal sealed class ConsentHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, IMediator mediator)
    : IRequestHandler<CreateConsentRequest, ConsentDto>,
      IRequestHandler<RevokeConsentRequest, ConsentDto>,
      IRequestHandler<ListConsentsRequest, IReadOnlyList<ConsentDto>>,
      IRequestHandler<ListDisclosuresRequest, IReadOnlyList<DisclosureDto>>
{
    private const string PatientExists = "SELECT COUNT(*) FROM enrollment_patient WHERE id = @PatientId";

    private const string Insert = """
        INSERT INTO enrollment_consent (id, patient_id, disclosing_party, treatment_payment_operations, purpose, expires_on, expiry_event, signed_by,
            signer_relationship, signed_at, revocation_right_acknowledged, created_by, version, created_at)
        VALUES (@Id, @PatientId, @DisclosingParty, @TreatmentPaymentOperations, @Purpose, @ExpiresOn, @ExpiryEvent, @SignedBy,
            @SignerRelationship, @SignedAt, @RevocationRightAcknowledged, @CreatedBy, 1, @CreatedAt)
        """;

    private const string Revoke = """
        UPDATE enrollment_consent SET revoked_at = @RevokedAt, revoked_by = @RevokedBy, revoked_in_writing = @InWriting,
            revocation_received_via = @ReceivedVia, revocation_recorded_by = @RecordedBy, version = version + 1
        WHERE id = @ConsentId AND revoked_at IS NULL
        """;

    public async Task<ConsentDto> Handle(CreateConsentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsurePatientAsync(connection, request.PatientId, cancellationToken);
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

    public async Task<ConsentDto> Handle(RevokeConsentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var consent = await ConsentStore.GetAsync(connection, request.ConsentId, cancellationToken);
        audit.TouchedPatient(consent.PatientId);
        var revokedAt = request.RevokedAt ?? clock.GetUtcNow();
        if (revokedAt < consent.SignedAt)
        {
            throw new UnprocessableException("A consent cannot be revoked before it was signed.");
        }
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(Revoke, new
            {
                request.ConsentId,
                RevokedAt = revokedAt,
                RevokedBy = request.RevokedBy.Trim(),
                request.InWriting,
                request.ReceivedVia,
                RecordedBy = caller.ActorId,
            }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new ConflictException($"Consent '{request.ConsentId}' is already revoked.");
            }
            await EnrollmentOutbox.WriteAsync(connection, transaction, EnrollmentEvents.ConsentRevoked, consent.Id, consent.PatientId,
                new { consentId = consent.Id, patientId = consent.PatientId, revokedAt }, clock.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await mediator.Publish(new ConsentRevoked(consent.Id, consent.PatientId, revokedAt), cancellationToken);
        return await ConsentStore.GetAsync(connection, request.ConsentId, cancellationToken);
    }

    public async Task<IReadOnlyList<ConsentDto>> Handle(ListConsentsRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsurePatientAsync(connection, request.PatientId, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        return await ConsentStore.ReadAsync(connection, "WHERE patient_id = @PatientId ORDER BY id DESC", request, cancellationToken);
    }

    public async Task<IReadOnlyList<DisclosureDto>> Handle(ListDisclosuresRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsurePatientAsync(connection, request.PatientId, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        var to = request.To ?? clock.GetUtcNow();
        var from = request.From ?? to.AddYears(-3);
        const string Sql = """
            SELECT id, patient_id AS PatientId, recipient_api_client_id AS RecipientApiClientId, consent_id AS ConsentId, category, purpose,
                   purpose_of_use AS PurposeOfUse, records, disclosed_at AS DisclosedAt
            FROM enrollment_disclosure WHERE patient_id = @PatientId AND disclosed_at >= @From AND disclosed_at <= @To ORDER BY disclosed_at, id
            """;
        var rows = await connection.QueryAsync<DisclosureRow>(new CommandDefinition(Sql, new { request.PatientId, From = from, To = to }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDto())];
    }

    private sealed class DisclosureRow
    {
        public Guid Id { get; init; }

        public Guid PatientId { get; init; }

        public Guid RecipientApiClientId { get; init; }

        public Guid ConsentId { get; init; }

        public string Category { get; init; } = string.Empty;

        public string Purpose { get; init; } = string.Empty;

        public string? PurposeOfUse { get; init; }

        public string? Records { get; init; }

        public DateTimeOffset DisclosedAt { get; init; }

        public DisclosureDto ToDto() => new()
        {
            Id = Id,
            PatientId = PatientId,
            RecipientApiClientId = RecipientApiClientId,
            ConsentId = ConsentId,
            Category = Category,
            Purpose = Purpose,
            PurposeOfUse = PurposeOfUse,
            Records = Records is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(Records) ?? [],
            DisclosedAt = DisclosedAt,
        };
    }

    private static async Task EnsurePatientAsync(DbConnection connection, Guid patientId, CancellationToken ct)
    {
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(PatientExists, new { PatientId = patientId }, cancellationToken: ct)) == 0)
        {
            throw new NotFoundException("Patient", patientId);
        }
    }
}
