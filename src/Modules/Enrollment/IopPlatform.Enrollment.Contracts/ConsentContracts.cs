using MediatR;

namespace IopPlatform.Enrollment.Contracts;

/// <summary>A 42 CFR Part 2 consent (§2.31) to disclose a patient's SUD records.</summary>
public sealed record ConsentDto
{
    /// <summary>Consent id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Who may disclose (the program or organisation named on the form).</summary>
    public required string DisclosingParty { get; init; }

    /// <summary>What information may be disclosed (see <see cref="InformationCategories"/>).</summary>
    public required IReadOnlyList<string> InformationCategories { get; init; }

    /// <summary>Partner apps (API client ids) named as recipients.</summary>
    public required IReadOnlyList<Guid> RecipientApiClientIds { get; init; }

    /// <summary>Consent covers disclosures for treatment, payment and health care operations (the 2024 single TPO consent).</summary>
    public required bool TreatmentPaymentOperations { get; init; }

    /// <summary>Purpose of the disclosure, as on the form.</summary>
    public required string Purpose { get; init; }

    /// <summary>Last day the consent is in force, if it expires on a date.</summary>
    public DateOnly? ExpiresOn { get; init; }

    /// <summary>Event on which it expires, e.g. "end_of_treatment".</summary>
    public string? ExpiryEvent { get; init; }

    /// <summary>Name of whoever signed.</summary>
    public required string SignedBy { get; init; }

    /// <summary>Signer's relationship to the patient: patient, guardian, personal_representative.</summary>
    public required string SignerRelationship { get; init; }

    /// <summary>When it was signed (UTC); its date is the date signed.</summary>
    public required DateTimeOffset SignedAt { get; init; }

    /// <summary>The patient was told of the right to revoke in writing.</summary>
    public required bool RevocationRightAcknowledged { get; init; }

    /// <summary>When revoked, if revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Who asked to revoke (e.g. the patient's name).</summary>
    public string? RevokedBy { get; init; }

    /// <summary>The revocation was received in writing.</summary>
    public bool? RevokedInWriting { get; init; }

    /// <summary>How the revocation was received: mail, in_person, portal, fax, email, oral.</summary>
    public string? RevocationReceivedVia { get; init; }

    /// <summary>Staff member who recorded the revocation.</summary>
    public string? RevocationRecordedBy { get; init; }

    /// <summary>Concurrency version.</summary>
    public required int Version { get; init; }

    /// <summary>Recorded (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The information categories a consent may cover.</summary>
public static class InformationCategories
{
    /// <summary>Name, date of birth, contact, identifiers.</summary>
    public const string Demographics = "demographics";

    /// <summary>Episodes of care: status, screening, care team, discharge.</summary>
    public const string Enrollment = "enrollment";

    /// <summary>Scheduled sessions and attendance.</summary>
    public const string Attendance = "attendance";

    /// <summary>Drug-test results.</summary>
    public const string DrugTest = "drug_test";

    /// <summary>Outcome measures and milestones.</summary>
    public const string Outcomes = "outcomes";

    /// <summary>Signed progress notes (never SUD counselling notes or psychotherapy notes, which a general consent cannot cover).</summary>
    public const string ClinicalNote = "clinical_note";

    /// <summary>All categories a consent may name.</summary>
    public static readonly IReadOnlyList<string> All = [Demographics, Enrollment, Attendance, DrugTest, Outcomes, ClinicalNote];
}

/// <summary>
/// The one disclosure check: may partner app <paramref name="ApiClientId"/> receive <paramref name="Category"/> of
/// patient <paramref name="PatientId"/>'s records at <paramref name="At"/> for <paramref name="Purpose"/>? A consent
/// must name the partner, or cover treatment/payment/operations when the purpose is one of those, and be signed, not
/// revoked and not expired.
/// </summary>
/// <param name="PatientId">Patient.</param>
/// <param name="ApiClientId">The partner app asking.</param>
/// <param name="Category">An <see cref="InformationCategories"/> value.</param>
/// <param name="At">The instant of disclosure.</param>
/// <param name="Purpose">Purpose of use (treatment, payment, operations, ...); null means treatment.</param>
public sealed record CheckDisclosureConsentQuery(Guid PatientId, Guid ApiClientId, string Category, DateTimeOffset At, string? Purpose = null) : IRequest<DisclosureDecision>;

/// <summary>The answer of the disclosure check.</summary>
/// <param name="Allowed">True when a consent in force covers it.</param>
/// <param name="ConsentId">The consent that allows it (the oldest in force), when allowed.</param>
public sealed record DisclosureDecision(bool Allowed, Guid? ConsentId);

/// <summary>One entry of a patient's accounting of disclosures (§2.25).</summary>
public sealed record DisclosureDto
{
    /// <summary>Entry id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Recipient partner app.</summary>
    public required Guid RecipientApiClientId { get; init; }

    /// <summary>The consent it relied on.</summary>
    public required Guid ConsentId { get; init; }

    /// <summary>Information category disclosed.</summary>
    public required string Category { get; init; }

    /// <summary>Purpose of use the recipient declared.</summary>
    public required string Purpose { get; init; }

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset DisclosedAt { get; init; }
}

/// <summary>Published after a consent's revocation is committed: stop disclosing under it.</summary>
/// <param name="ConsentId">Consent.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="RevokedAt">When (UTC).</param>
public sealed record ConsentRevoked(Guid ConsentId, Guid PatientId, DateTimeOffset RevokedAt) : INotification;
