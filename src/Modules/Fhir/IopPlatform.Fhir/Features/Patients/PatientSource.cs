using System.Globalization;
using IopPlatform.Fhir.Features.Pipeline;

namespace IopPlatform.Fhir.Features.Patients;

/// <summary>Patient (US Core Patient profile) from the Enrollment module's patient records.</summary>
internal sealed class PatientSource : IFhirResourceSource
{
    public const string UsCorePatient = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";

    public string Type => "Patient";

    public string Category => InformationCategories.Demographics;

    public IReadOnlyList<string> Roles { get; } = [.. BuildingBlocks.Security.Roles.Staff, BuildingBlocks.Security.Roles.Partner];

    public IReadOnlyList<string> Profiles { get; } = [UsCorePatient];

    public IReadOnlyList<FhirSearchParameter> SearchParameters { get; } =
    [
        new("_id", SearchParamType.Token, "The patient's id."),
        new("identifier", SearchParamType.Token, $"MRN ({FhirCodeSystems.Mrn}|value) or a partner identifier (system|value); a bare value matches either."),
        new("name", SearchParamType.String, "Part of the given or family name, case-insensitive (at least 2 characters)."),
        new("birthdate", SearchParamType.Date, "Exact date of birth (yyyy-MM-dd)."),
    ];

    public async Task<FhirRecord?> ReadAsync(IMediator mediator, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var patientId)
            ? (await mediator.Send(new FindPatientRecordsQuery(patientId, null, null, null, null, 1), ct)).Select(Map).SingleOrDefault()
            : null;

    public async Task<FhirRecordPage> SearchAsync(IMediator mediator, FhirSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var id = FhirSearchValues.Reference("_id", Type, search.Single("_id"));
        var name = search.Single("name");
        if (name is { Length: < 2 or > 100 })
        {
            throw new BadRequestException("name", "name must be 2 to 100 characters.");
        }
        var birthDate = FhirSearchValues.Date("birthdate", search.Single("birthdate"));
        string? identifier = null;
        var mrnOnly = false;
        if (search.Single("identifier") is { } token)
        {
            var (system, value) = FhirSearchValues.Token("identifier", token);
            mrnOnly = system == FhirCodeSystems.Mrn;
            identifier = system is null || mrnOnly ? value : $"{system}|{value}";
        }
        var rows = await mediator.Send(new FindPatientRecordsQuery(id, name, birthDate, identifier, FhirPaging.After(search), FhirPaging.Take(search)), ct);
        // A bare value matches an MRN or a partner identifier; with the MRN system only the MRN counts.
        return FhirPaging.Page(rows, search, p => p.Id, p => mrnOnly && p.Mrn != identifier ? null : Map(p));
    }

    private static FhirRecord Map(PatientDto patient)
    {
        var resource = new Patient
        {
            Id = patient.Id.ToString(),
            Meta = new Meta { Profile = [UsCorePatient], VersionId = patient.Version.ToString(CultureInfo.InvariantCulture), LastUpdated = patient.UpdatedAt },
            Identifier =
            [
                new Identifier(FhirCodeSystems.Mrn, patient.Mrn)
                {
                    Use = Identifier.IdentifierUse.Usual,
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
                },
                .. patient.ExternalIds.Select(e => new Identifier(e.System, e.Value) { Use = Identifier.IdentifierUse.Secondary }),
            ],
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = patient.FamilyName, Given = [patient.GivenName] }],
            Gender = patient.SexAtBirth switch
            {
                SexAtBirth.Female => AdministrativeGender.Female,
                SexAtBirth.Male => AdministrativeGender.Male,
                SexAtBirth.Intersex => AdministrativeGender.Other,
                _ => AdministrativeGender.Unknown,
            },
            BirthDate = patient.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (patient.Contact.Phone is { } phone)
        {
            resource.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, phone));
        }
        if (patient.Contact.Email is { } email)
        {
            resource.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, email));
        }
        if (patient.Contact.Address is { } address)
        {
            resource.Address.Add(new Address
            {
                Line = new[] { address.Line1, address.Line2 }.OfType<string>().ToList(),
                City = address.City,
                State = address.Region,
                PostalCode = address.PostalCode,
                Country = address.Country,
            });
        }
        if (patient.PreferredLanguage is { } language)
        {
            resource.Communication.Add(new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", language), Preferred = true });
        }
        if (patient.EmergencyContact is { } emergency)
        {
            resource.Contact.Add(new Patient.ContactComponent
            {
                Relationship = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact") { Text = emergency.Relationship }],
                Name = new HumanName { Text = emergency.Name },
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, emergency.Phone)],
            });
        }
        return new FhirRecord(resource, patient.Id, $"patient/{patient.Id}");
    }
}
