namespace IopPlatform.Enrollment.Features.Patients;

/// <summary>Creates a patient (no <see cref="Id"/>) or replaces one's record (PUT, with the If-Match version).</summary>
/// <param name="Mrn">Medical record number, unique within the organisation (1–64 characters).</param>
/// <param name="ExternalIds">Partner-system identifiers (system + value), each unique per system.</param>
/// <param name="GivenName">Given name.</param>
/// <param name="FamilyName">Family name.</param>
/// <param name="DateOfBirth">Date of birth (not in the future, not before 1900).</param>
/// <param name="SexAtBirth">female, male, intersex or unknown.</param>
/// <param name="GenderIdentity">Gender identity, free text.</param>
/// <param name="Contact">Phone, email, postal address.</param>
/// <param name="PreferredLanguage">BCP 47 language tag, e.g. "en" or "es-MX".</param>
/// <param name="EmergencyContact">Emergency contact.</param>
internal sealed record SavePatientRequest(
    string Mrn,
    IReadOnlyList<ExternalIdDto>? ExternalIds,
    string GivenName,
    string FamilyName,
    DateOnly DateOfBirth,
    SexAtBirth SexAtBirth,
    string? GenderIdentity,
    ContactDto? Contact,
    string? PreferredLanguage,
    EmergencyContactDto? EmergencyContact) : IRequest<PatientDto>, IAuditedRequest
{
    /// <summary>The patient to replace; set from the route, never from the body.</summary>
    [JsonIgnore]
    public Guid? Id { get; init; }

    /// <summary>The version from If-Match; set from the header.</summary>
    [JsonIgnore]
    public int? ExpectedVersion { get; init; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Demographics;

    [JsonIgnore]
    public string AuditAction => Id is null ? "create" : "update";

    [JsonIgnore]
    public Guid? AuditPatientId => Id;
}

internal sealed class SavePatientRequestValidator : AbstractValidator<SavePatientRequest>
{
    public SavePatientRequestValidator(TimeProvider clock)
    {
        RuleFor(x => x.Mrn).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9][A-Za-z0-9._-]*$")
            .WithMessage("MRN may hold letters, digits, '.', '_' and '-' only.");
        RuleFor(x => x.GivenName).NotEmpty().MaximumLength(100);
        RuleFor(x => x.FamilyName).NotEmpty().MaximumLength(100);
        RuleFor(x => x.DateOfBirth)
            .Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Date of birth cannot be in the future.")
            .GreaterThanOrEqualTo(new DateOnly(1900, 1, 1));
        RuleFor(x => x.SexAtBirth).IsInEnum();
        RuleFor(x => x.GenderIdentity).MaximumLength(100);
        RuleFor(x => x.PreferredLanguage).MaximumLength(35).Matches("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
            .WithMessage("Preferred language must be a BCP 47 tag such as 'en' or 'es-MX'.");
        RuleForEach(x => x.ExternalIds).NotNull().WithMessage("An identifier cannot be null.").ChildRules(e =>
        {
            e.RuleFor(i => i.System).NotEmpty().MaximumLength(200);
            e.RuleFor(i => i.Value).NotEmpty().MaximumLength(200);
        });
        RuleFor(x => x.ExternalIds).Must(ids => ids!.Select(i => i?.System).Distinct(StringComparer.Ordinal).Count() == ids!.Count)
            .WithMessage("A patient has at most one identifier per system.").When(x => x.ExternalIds is not null);
        RuleFor(x => x.Contact!.Phone).MaximumLength(32).Matches(@"^\+?[0-9 ()./-]{5,32}$").WithMessage("Phone must be a phone number.").When(x => x.Contact is not null);
        RuleFor(x => x.Contact!.Email).MaximumLength(254).EmailAddress().When(x => x.Contact is not null);
        RuleFor(x => x.Contact!.Address!.Country).Matches("^[A-Z]{2}$").WithMessage("Country must be an ISO 3166-1 alpha-2 code such as 'US'.")
            .When(x => x.Contact?.Address is not null);
        RuleFor(x => x.Contact!.Address!.Line1).MaximumLength(200).When(x => x.Contact?.Address is not null);
        RuleFor(x => x.Contact!.Address!.Line2).MaximumLength(200).When(x => x.Contact?.Address is not null);
        RuleFor(x => x.Contact!.Address!.City).MaximumLength(100).When(x => x.Contact?.Address is not null);
        RuleFor(x => x.Contact!.Address!.Region).MaximumLength(100).When(x => x.Contact?.Address is not null);
        RuleFor(x => x.Contact!.Address!.PostalCode).MaximumLength(20).When(x => x.Contact?.Address is not null);
        RuleFor(x => x.EmergencyContact!.Name).NotEmpty().MaximumLength(200).When(x => x.EmergencyContact is not null);
        RuleFor(x => x.EmergencyContact!.Phone).NotEmpty().Matches(@"^\+?[0-9 ()./-]{5,32}$").WithMessage("Phone must be a phone number.").When(x => x.EmergencyContact is not null);
        RuleFor(x => x.EmergencyContact!.Relationship).MaximumLength(100).When(x => x.EmergencyContact is not null);
    }
}

internal static class PatientStore
{
    public const string SummaryColumns = "p.id, p.mrn, p.given_name AS GivenName, p.family_name AS FamilyName, p.date_of_birth AS DateOfBirth";

    /// <summary>The record with its identifiers in one statement (one row per identifier, at least one row).</summary>
    /// <remarks>No ORDER BY: the few identifiers are sorted here, so the statement needs no sorter (SQLite prepares it on every call).</remarks>
    private const string Select = """
        SELECT p.id, p.mrn, p.given_name AS GivenName, p.family_name AS FamilyName, p.date_of_birth AS DateOfBirth, p.sex_at_birth AS SexAtBirth,
               p.gender_identity AS GenderIdentity, p.phone, p.email, p.address_line1 AS AddressLine1, p.address_line2 AS AddressLine2,
               p.address_city AS AddressCity, p.address_region AS AddressRegion, p.address_postal_code AS AddressPostalCode,
               p.address_country AS AddressCountry, p.preferred_language AS PreferredLanguage, p.emergency_name AS EmergencyName,
               p.emergency_relationship AS EmergencyRelationship, p.emergency_phone AS EmergencyPhone, p.version,
               p.created_at AS CreatedAt, p.updated_at AS UpdatedAt, i.system AS IdSystem, i.value AS IdValue
        FROM enrollment_patient p LEFT JOIN enrollment_patient_identifier i ON i.patient_id = p.id
        WHERE p.id = @Id
        """;

    private const string MrnTaken = "SELECT id FROM enrollment_patient WHERE mrn = @Mrn";

    private const string IdentifierTaken = "SELECT patient_id FROM enrollment_patient_identifier WHERE system = @System AND value = @Value";

    private const string InsertIdentifier = "INSERT INTO enrollment_patient_identifier (patient_id, system, value) VALUES (@PatientId, @System, @Value)";

    public static async Task<PatientDto?> FindAsync(DbConnection connection, Guid id, CancellationToken ct, DbTransaction? transaction = null)
    {
        // One statement, not two: the patient read is the API's most frequent request (build/bench measures it).
        var rows = (await connection.QueryAsync<PatientRow>(new CommandDefinition(Select, new { Id = id }, transaction, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return null;
        }
        var identifiers = new List<ExternalIdDto>(rows.Count);
        foreach (var row in rows)
        {
            if (row.IdSystem is not null)
            {
                identifiers.Add(new ExternalIdDto(row.IdSystem, row.IdValue ?? string.Empty));
            }
        }
        identifiers.Sort(static (a, b) => string.CompareOrdinal(a.System, b.System));
        return rows[0].ToDto(identifiers);
    }

    /// <summary>A clear 409 before the insert; the unique indexes still decide a race.</summary>
    public static async Task EnsureIdentifiersFreeAsync(DbConnection connection, DbTransaction transaction, SavePatientRequest input, Guid? self, CancellationToken ct)
    {
        var mrnOwner = await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(MrnTaken, new { input.Mrn }, transaction, cancellationToken: ct));
        if (mrnOwner is not null && mrnOwner != self)
        {
            throw new ConflictException($"MRN '{input.Mrn}' is already assigned to another patient in this organisation.");
        }
        foreach (var external in input.ExternalIds ?? [])
        {
            var owner = await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(IdentifierTaken, external, transaction, cancellationToken: ct));
            if (owner is not null && owner != self)
            {
                throw new ConflictException($"Identifier '{external.Value}' of system '{external.System}' is already assigned to another patient.");
            }
        }
    }

    public static async Task InsertIdentifiersAsync(DbConnection connection, DbTransaction transaction, Guid patientId, IReadOnlyList<ExternalIdDto>? ids, CancellationToken ct)
    {
        foreach (var external in ids ?? [])
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertIdentifier, new { PatientId = patientId, external.System, external.Value }, transaction, cancellationToken: ct));
        }
    }

    public static object Columns(SavePatientRequest input) => new
    {
        Mrn = input.Mrn.Trim(),
        GivenName = input.GivenName.Trim(),
        FamilyName = input.FamilyName.Trim(),
        input.DateOfBirth,
        SexAtBirth = Codes.Of(input.SexAtBirth),
        input.GenderIdentity,
        input.Contact?.Phone,
        input.Contact?.Email,
        AddressLine1 = input.Contact?.Address?.Line1,
        AddressLine2 = input.Contact?.Address?.Line2,
        AddressCity = input.Contact?.Address?.City,
        AddressRegion = input.Contact?.Address?.Region,
        AddressPostalCode = input.Contact?.Address?.PostalCode,
        AddressCountry = input.Contact?.Address?.Country,
        input.PreferredLanguage,
        EmergencyName = input.EmergencyContact?.Name,
        EmergencyRelationship = input.EmergencyContact?.Relationship,
        EmergencyPhone = input.EmergencyContact?.Phone,
    };

    private sealed class PatientRow
    {
        public string? IdSystem { get; init; }

        public string? IdValue { get; init; }

        public Guid Id { get; init; }

        public string Mrn { get; init; } = string.Empty;

        public string GivenName { get; init; } = string.Empty;

        public string FamilyName { get; init; } = string.Empty;

        public DateOnly DateOfBirth { get; init; }

        public string SexAtBirth { get; init; } = string.Empty;

        public string? GenderIdentity { get; init; }

        public string? Phone { get; init; }

        public string? Email { get; init; }

        public string? AddressLine1 { get; init; }

        public string? AddressLine2 { get; init; }

        public string? AddressCity { get; init; }

        public string? AddressRegion { get; init; }

        public string? AddressPostalCode { get; init; }

        public string? AddressCountry { get; init; }

        public string? PreferredLanguage { get; init; }

        public string? EmergencyName { get; init; }

        public string? EmergencyRelationship { get; init; }

        public string? EmergencyPhone { get; init; }

        public int Version { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public PatientDto ToDto(IReadOnlyList<ExternalIdDto> externalIds)
        {
            var hasAddress = AddressLine1 is not null || AddressLine2 is not null || AddressCity is not null || AddressRegion is not null || AddressPostalCode is not null || AddressCountry is not null;
            return new PatientDto
            {
                Id = Id,
                Mrn = Mrn,
                ExternalIds = externalIds,
                GivenName = GivenName,
                FamilyName = FamilyName,
                DateOfBirth = DateOfBirth,
                SexAtBirth = Codes.Parse<SexAtBirth>(SexAtBirth),
                GenderIdentity = GenderIdentity,
                Contact = new ContactDto
                {
                    Phone = Phone,
                    Email = Email,
                    Address = hasAddress
                        ? new AddressDto { Line1 = AddressLine1, Line2 = AddressLine2, City = AddressCity, Region = AddressRegion, PostalCode = AddressPostalCode, Country = AddressCountry }
                        : null,
                },
                PreferredLanguage = PreferredLanguage,
                EmergencyContact = EmergencyName is null ? null : new EmergencyContactDto { Name = EmergencyName, Relationship = EmergencyRelationship, Phone = EmergencyPhone ?? string.Empty },
                Version = Version,
                CreatedAt = CreatedAt,
                UpdatedAt = UpdatedAt,
            };
        }
    }
}
