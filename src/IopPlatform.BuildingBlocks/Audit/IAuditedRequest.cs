namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// Marks a MediatR request that reads or writes patient data: the audit behaviour records who did what to which
/// patient's data, for what purpose. Handlers that learn the patient only while running (e.g. a create) report it to
/// <see cref="IAuditScope"/>.
/// </summary>
public interface IAuditedRequest
{
    /// <summary>Data category, e.g. <c>demographics</c>, <c>enrollment</c>, <c>attendance</c>, <c>clinical_note</c>, <c>drug_test</c>.</summary>
    string AuditCategory { get; }

    /// <summary><c>read</c>, <c>create</c>, <c>update</c>, <c>delete</c>, <c>search</c>, <c>export</c>.</summary>
    string AuditAction { get; }

    /// <summary>The patient the request is about, when known before it runs.</summary>
    Guid? AuditPatientId { get; }
}

/// <summary>What a handler adds to the audit record of the current request.</summary>
public interface IAuditScope
{
    /// <summary>Records that the request touched this patient's data (called once per patient returned or changed).</summary>
    void TouchedPatient(Guid patientId);

    /// <summary>The resource id (e.g. the note id) when it is known only inside the handler.</summary>
    void Resource(string resource);

    /// <summary>
    /// Records an emergency "break-the-glass" access (42 CFR §2.51, medical emergencies): allowed without the usual consent, with a
    /// mandatory reason, and flagged in the audit trail for review.
    /// </summary>
    void BreakGlass(string reason);

    IReadOnlyCollection<Guid> Patients { get; }

    string? ResourceId { get; }

    string? BreakGlassReason { get; }
}

public sealed class AuditScope : IAuditScope
{
    private readonly HashSet<Guid> _patients = [];

    public IReadOnlyCollection<Guid> Patients => _patients;

    public string? ResourceId { get; private set; }

    public string? BreakGlassReason { get; private set; }

    public void TouchedPatient(Guid patientId) => _patients.Add(patientId);

    public void Resource(string resource) => ResourceId = resource;

    public void BreakGlass(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        BreakGlassReason = reason.Trim();
    }
}
