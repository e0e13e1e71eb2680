namespace IopPlatform.Enrollment.Contracts;

/// <summary>A patient's full record. Only returned by the single-patient read (minimum necessary: lists return <see cref="PatientSummaryDto"/>).</summary>
public sealed record PatientDto
{
    /// <summary>Patient id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Medical record number, unique within the organisation.</summary>
    public required string Mrn { get; init; }

    /// <summary>Identifiers from partner systems (system + value, unique per system).</summary>
    public IReadOnlyList<ExternalIdDto> ExternalIds { get; init; } = [];

    /// <summary>Given (first) name.</summary>
    public required string GivenName { get; init; }

    /// <summary>Family (last) name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>Date of birth.</summary>
    public required DateOnly DateOfBirth { get; init; }

    /// <summary>Sex assigned at birth: female, male, intersex, unknown.</summary>
    public required SexAtBirth SexAtBirth { get; init; }

    /// <summary>Gender identity in the patient's words, if given.</summary>
    public string? GenderIdentity { get; init; }

    /// <summary>Phone, email and postal address.</summary>
    public required ContactDto Contact { get; init; }

    /// <summary>Preferred language (BCP 47 tag, e.g. "en", "es-MX").</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>Who to call in an emergency.</summary>
    public EmergencyContactDto? EmergencyContact { get; init; }

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }

    /// <summary>When the record was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record last changed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a list of patients shows: enough to pick the right one, nothing more.</summary>
public sealed record PatientSummaryDto
{
    /// <summary>Patient id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Medical record number.</summary>
    public required string Mrn { get; init; }

    /// <summary>Given name.</summary>
    public required string GivenName { get; init; }

    /// <summary>Family name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>Date of birth.</summary>
    public required DateOnly DateOfBirth { get; init; }
}

/// <summary>An identifier a partner system uses for the patient.</summary>
/// <param name="System">The issuing system, e.g. "urn:partner:acme-ehr".</param>
/// <param name="Value">The identifier within that system.</param>
public sealed record ExternalIdDto(string System, string Value);

/// <summary>How to reach the patient.</summary>
public sealed record ContactDto
{
    /// <summary>Phone number (E.164 preferred).</summary>
    public string? Phone { get; init; }

    /// <summary>Email address.</summary>
    public string? Email { get; init; }

    /// <summary>Postal address.</summary>
    public AddressDto? Address { get; init; }
}

/// <summary>A postal address.</summary>
public sealed record AddressDto
{
    /// <summary>Street line 1.</summary>
    public string? Line1 { get; init; }

    /// <summary>Street line 2.</summary>
    public string? Line2 { get; init; }

    /// <summary>City.</summary>
    public string? City { get; init; }

    /// <summary>State or region.</summary>
    public string? Region { get; init; }

    /// <summary>Postal code.</summary>
    public string? PostalCode { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; init; }
}

/// <summary>Emergency contact.</summary>
public sealed record EmergencyContactDto
{
    /// <summary>Full name.</summary>
    public required string Name { get; init; }

    /// <summary>Relationship to the patient, e.g. "sister".</summary>
    public string? Relationship { get; init; }

    /// <summary>Phone number.</summary>
    public required string Phone { get; init; }
}

/// <summary>Sex assigned at birth.</summary>
public enum SexAtBirth
{
    /// <summary>Female.</summary>
    Female,

    /// <summary>Male.</summary>
    Male,

    /// <summary>Intersex.</summary>
    Intersex,

    /// <summary>Not known or not disclosed.</summary>
    Unknown,
}
