namespace IopPlatform.Api.Hosting;

/// <summary>One tag per module, each with a description; a module without one here still gets a plain description.</summary>
internal sealed class OpenApiTagDescriptions : IDocumentFilter
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["Audit"] = "The tamper-evident audit trail of who touched which patient's data, and its verification (admin).",
        ["Enrollment"] = "Sites, programs, groups, patients, referrals, screening, admission and discharge, care teams and disclosure consents.",
        ["Scheduling"] = "Sessions, group and individual appointments, check-in and attendance, weekly hours against the program's requirements.",
        ["ClinicalNotes"] = "Session notes and treatment plans, with signing and amendments.",
        ["Outcomes"] = "Standardised measures, drug tests, recovery checks, milestones, completion readiness.",
        ["Engagement"] = "Drift (dropout-risk) rules and scan, the case manager's alert inbox, outreach attempts and escalation; PHQ-9 safety alerts.",
        ["Integration"] = "API clients (partner keys), webhooks and the signed events they receive.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var used = OpenApiWalk.Operations(document)
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = Known.TryGetValue(name, out var description) ? description : $"Endpoints of the {name} module.",
        }));
    }
}
