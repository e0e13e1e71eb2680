using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Appointments;

/// <summary>An individual appointment between a clinician and a patient.</summary>
internal sealed record AppointmentDto
{
    public required Guid Id { get; init; }

    /// <summary>individual_counselling, individual_therapy, family_therapy, medical_checkup, drug_test_visit.</summary>
    public required string Kind { get; init; }

    public required string ClinicianId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required Guid SiteId { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    /// <summary><c>scheduled</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }

    public required int Version { get; init; }
}

/// <summary>The appointment columns every appointment use case reads.</summary>
internal static class AppointmentSql
{
    public const string Columns = """
        id, kind, clinician_id AS ClinicianId, enrollment_id AS EnrollmentId, patient_id AS PatientId, site_id AS SiteId,
        starts_at AS StartsAt, ends_at AS EndsAt, status, version
        """;

    public const string Select = $"SELECT {Columns} FROM scheduling_appointment WHERE id = @AppointmentId";
}
