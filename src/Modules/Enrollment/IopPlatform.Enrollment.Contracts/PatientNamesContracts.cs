namespace IopPlatform.Enrollment.Contracts;

/// <summary>The names and identifiers of one patient, to detect them in free text (e.g. a group note naming another member).</summary>
public sealed record PatientNamesDto
{
    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Given name.</summary>
    public required string GivenName { get; init; }

    /// <summary>Family name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>Medical record number and partner identifiers.</summary>
    public required IReadOnlyList<string> Identifiers { get; init; }
}

/// <summary>Names and identifiers of a set of patients; unknown ids are left out.</summary>
/// <param name="PatientIds">Patient ids.</param>
public sealed record GetPatientNamesQuery(IReadOnlyCollection<Guid> PatientIds) : IRequest<IReadOnlyList<PatientNamesDto>>;
