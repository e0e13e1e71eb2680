using System.Text.Json;

namespace IopPlatform.ClinicalNotes.Features;

/// <summary>Who may do what with clinical documentation.</summary>
internal static class NotesRoles
{
    /// <summary>Clinicians and supervisors write notes and plans.</summary>
    public static readonly string[] Writers = [Roles.Clinician, Roles.Supervisor];

    /// <summary>Only supervisors co-sign or return notes.</summary>
    public static readonly string[] Cosigners = [Roles.Supervisor];

    /// <summary>Progress notes: the care team; partner apps only signed notes under a consent.</summary>
    public static readonly string[] NoteReaders = [Roles.Clinician, Roles.Supervisor, Roles.CaseManager, Roles.Partner];

    /// <summary>Plans and group notes: the care team, never partner apps.</summary>
    public static readonly string[] StaffReaders = [Roles.Clinician, Roles.Supervisor, Roles.CaseManager];

    /// <summary>Managers of clinician credentials.</summary>
    public static readonly string[] CredentialManagers = [Roles.Admin, Roles.Supervisor];

    public static bool IsPartner(ICurrentCaller caller) => caller.IsExternalRecipient();
}

internal static class NotesAudit
{
    public const string ClinicalNote = "clinical_note";
    public const string CounsellingNote = "counselling_note";
    public const string TreatmentPlan = "treatment_plan";
}

internal static class NoteStatus
{
    public const string Draft = "draft";
    public const string Signed = "signed";
    public const string PendingCosign = "pending_cosign";
    public const string Cosigned = "cosigned";
    public const string Returned = "returned";

    /// <summary>The author may still edit and sign.</summary>
    public static bool IsEditable(string status) => status is Draft or Returned;
}

internal static class NoteKinds
{
    public const string Individual = "individual";
    public const string Group = "group";
    public const string Family = "family";
    public const string Intake = "intake";
    public const string DischargeSummary = "discharge_summary";

    /// <summary>Kinds written one patient at a time; group notes come from the group-note endpoint.</summary>
    public static readonly IReadOnlySet<string> Single = new HashSet<string>(StringComparer.Ordinal) { Individual, Family, Intake, DischargeSummary };
}

/// <summary>The documentation formats and the sections each requires.</summary>
internal static class NoteFormats
{
    public static readonly IReadOnlyDictionary<string, string[]> Sections = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["soap"] = ["subjective", "objective", "assessment", "plan"],
        ["dap"] = ["data", "assessment", "plan"],
        ["birp"] = ["behavior", "intervention", "response", "plan"],
        ["girp"] = ["goal", "intervention", "response", "plan"],
    };

    public const int MaxSectionLength = 20_000;

    /// <summary>Field errors (field, message) for a format's sections: every named section present and non-blank, no others.</summary>
    public static IEnumerable<(string Field, string Message)> Validate(string? format, IReadOnlyDictionary<string, string>? sections, string prefix = "sections")
    {
        if (format is null || !Sections.TryGetValue(format, out var required))
        {
            yield break;
        }
        sections ??= new Dictionary<string, string>();
        foreach (var name in required)
        {
            if (!sections.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                yield return ($"{prefix}.{name}", $"A {format.ToUpperInvariant()} note needs its '{name}' section.");
            }
            else if (text.Length > MaxSectionLength)
            {
                yield return ($"{prefix}.{name}", $"'{name}' is longer than {MaxSectionLength} characters.");
            }
        }
        foreach (var name in sections.Keys.Where(k => !required.Contains(k, StringComparer.Ordinal)))
        {
            yield return ($"{prefix}.{name}", $"A {format.ToUpperInvariant()} note has no '{name}' section; its sections are {string.Join(", ", required)}.");
        }
    }
}

internal static class NotesJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}

internal static class EnrollmentAccess
{
    /// <summary>The enrollment's profile from Enrollment (404 when it does not exist); records the patient for the audit.</summary>
    public static async Task<EnrollmentClinicalProfileDto> RequireProfileAsync(this IMediator mediator, Guid enrollmentId, IAuditScope audit, CancellationToken ct)
    {
        var profile = await mediator.Send(new GetEnrollmentClinicalProfileQuery(enrollmentId), ct).ConfigureAwait(false)
            ?? throw new NotFoundException("Enrollment", enrollmentId);
        audit.TouchedPatient(profile.PatientId);
        return profile;
    }
}

/// <summary>
/// Events that must reach partners even if the process dies after commit: written in the same transaction as the
/// change, delivered later by the dispatcher.
/// </summary>
internal static class NotesOutbox
{
    public const string NoteSigned = "note.signed";
    public const string NoteAddended = "note.addended";
    public const string NoteOverdue = "note.overdue";

    public const string Table = "clinical_notes_outbox";

    public static Task WriteAsync(DbConnection connection, DbTransaction transaction, string eventType, Guid aggregateId, object payload, DateTimeOffset at, CancellationToken ct) =>
        EventOutbox.WriteAsync(connection, transaction, Table, eventType, aggregateId, payload, at, ct);
}
