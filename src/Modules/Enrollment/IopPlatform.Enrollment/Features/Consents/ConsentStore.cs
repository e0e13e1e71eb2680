namespace IopPlatform.Enrollment.Features.Consents;

internal static class ConsentVocabulary
{
    public const string EndOfTreatment = "end_of_treatment";

    public static readonly IReadOnlySet<string> ExpiryEvents = new HashSet<string>(StringComparer.Ordinal) { EndOfTreatment };

    public static readonly IReadOnlySet<string> SignerRelationships = new HashSet<string>(StringComparer.Ordinal) { "patient", "guardian", "personal_representative" };

    public static readonly IReadOnlySet<string> ReceivedVia = new HashSet<string>(StringComparer.Ordinal) { "mail", "in_person", "portal", "fax", "email", "oral" };

    /// <summary>Part 2 keeps these apart from the record; a general consent never reaches them.</summary>
    public static readonly IReadOnlySet<string> NeverUnderGeneralConsent = new HashSet<string>(StringComparer.Ordinal) { "counselling_notes", "counseling_notes", "psychotherapy_notes" };
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

    private const string PatientExists = "SELECT COUNT(*) FROM enrollment_patient WHERE id = @PatientId";

    public static async Task EnsurePatientAsync(DbConnection connection, Guid patientId, CancellationToken ct)
    {
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(PatientExists, new { PatientId = patientId }, cancellationToken: ct)) == 0)
        {
            throw new NotFoundException("Patient", patientId);
        }
    }
}
