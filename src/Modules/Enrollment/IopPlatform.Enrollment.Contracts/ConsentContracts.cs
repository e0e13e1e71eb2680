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

    /// <summary>When its expiry event happened (UTC); it never comes back after that, whatever happens later.</summary>
    public DateTimeOffset? EndedAt { get; init; }

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
/// The one door every disclosure of a patient's records to an external recipient passes, from an HTTP read or an
/// outbound event. It decides from the consent in force (signed; not revoked, ended or expired in the site's time zone;
/// covering <paramref name="Category"/>; naming the recipient, or a TPO consent when the recipient is a TPO recipient by
/// an admin-recorded agreement and the purpose is treatment, payment or operations) and, when allowed and
/// <paramref name="Records"/> is not empty, writes one accounting entry (§2.25) with the consent's own purpose and the
/// records, and marks the current response for the §2.32 notice and consent scope. With no records it only decides.
/// Staff and the organisation's own systems pass without a consent and without an entry.
/// </summary>
/// <param name="PatientId">The patient whose records would leave.</param>
/// <param name="Category">An <see cref="InformationCategories"/> value.</param>
/// <param name="Records">What is disclosed, e.g. <c>note/{id}</c>; empty to decide only (nothing disclosed, nothing accounted).</param>
public sealed record DiscloseRecordsCommand(Guid PatientId, string Category, IReadOnlyList<string> Records) : IRequest<DisclosureDecision>
{
    /// <summary>The recipient when it is not the current HTTP caller (an outbound event to a partner's webhook).</summary>
    public Guid? RecipientApiClientId { get; init; }

    /// <summary>The instant judged (default now); an event accounted after its delivery gives the instant it was decided.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>When set, a refusal is not returned but answered as this resource not existing (a 404 for the HTTP caller).</summary>
    public RefusalAnswer? RefusedAs { get; init; }
}

/// <summary>The door's answer.</summary>
/// <param name="Allowed">True when the records may go (always for staff and internal systems).</param>
/// <param name="ConsentId">The consent relied on (the oldest in force); null when no consent was needed or none allows it.</param>
/// <param name="ConsentScope">A plain statement of the consent's scope (§2.32(b)), for the recipient.</param>
/// <param name="AccountingEntryId">The accounting entry written, when records were disclosed.</param>
public sealed record DisclosureDecision(bool Allowed, Guid? ConsentId, string? ConsentScope = null, Guid? AccountingEntryId = null);

/// <summary>How a refusal is answered to the caller: exactly like a resource that does not exist (404), so a partner cannot probe who is in treatment.</summary>
/// <param name="Resource">The resource the caller asked for, e.g. "Note".</param>
/// <param name="Id">Its id.</param>
public sealed record RefusalAnswer(string Resource, Guid Id);

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

    /// <summary>Purpose of the disclosure: the consent's own purpose, as on the form.</summary>
    public required string Purpose { get; init; }

    /// <summary>Purpose of use the recipient declared (X-Purpose-Of-Use); null for an event pushed to its webhook.</summary>
    public string? PurposeOfUse { get; init; }

    /// <summary>The records disclosed, e.g. <c>note/{id}</c>, <c>event/{type}/{id}</c>.</summary>
    public IReadOnlyList<string> Records { get; init; } = [];

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset DisclosedAt { get; init; }
}

/// <summary>Published after a consent's revocation is committed: stop disclosing under it.</summary>
/// <param name="ConsentId">Consent.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="RevokedAt">When (UTC).</param>
public sealed record ConsentRevoked(Guid ConsentId, Guid PatientId, DateTimeOffset RevokedAt) : INotification;
