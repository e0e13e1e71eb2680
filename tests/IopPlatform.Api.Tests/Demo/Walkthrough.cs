using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IopPlatform.Api.Tests.Demo;

/// <summary>One curl call of the integrators' walkthrough.</summary>
/// <param name="Title">The heading comment above the command.</param>
/// <param name="Key">The shell variable holding the API key to send.</param>
/// <param name="Captures">Shell variables set from the JSON response (jq paths).</param>
/// <param name="WaitForSessionStart">The reader waits for the session to start first (the test moves its clock).</param>
internal sealed record WalkthroughStep(
    string Title,
    string Method,
    string Path,
    string? Body = null,
    string Key = "KEY",
    int? IfMatch = null,
    IReadOnlyList<(string Name, string Path)>? CaptureList = null,
    bool WaitForSessionStart = false)
{
    public IReadOnlyList<(string Name, string Path)> Captures => CaptureList ?? [];
}

/// <summary>The README's "Getting started for integrators" as data: rendered into README.md and run by the tests.</summary>
internal static partial class Walkthrough
{
    public const string Begin = "<!-- walkthrough:begin (generated from tests/IopPlatform.Api.Tests/Demo/Walkthrough.cs) -->";
    public const string End = "<!-- walkthrough:end -->";

    public static readonly IReadOnlyList<WalkthroughStep> Steps =
    [
        new("1. Get a key for your integration (with the bootstrap admin key printed at first start; staff roles need kind internal_system, a partner app gets roles [\"partner\"])", "POST", "/api/v1/api-clients",
            """{"name": "My integration", "kind": "internal_system", "roles": ["admin", "clinician"]}""", Key: "ADMIN_KEY", CaptureList: [("KEY", ".key"), ("CLIENT_ID", ".client.id")]),
        new("2. Create a site, a group meeting daily 18:00-21:00 site time, and a program with it as core group", "POST", "/api/v1/sites",
            """{"name": "Riverside", "timeZone": "America/Chicago"}""", CaptureList: [("SITE_ID", ".id")]),
        new(string.Empty, "POST", "/api/v1/groups",
            """{"siteId": "$SITE_ID", "name": "Evening recovery", "track": "adult", "sessionKind": "group_recovery", "capacity": 12, "facilitatorIds": ["facilitator-1"], "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], "startTime": "18:00", "endTime": "21:00", "firstDate": "$TODAY"}""",
            CaptureList: [("GROUP_ID", ".id")]),
        new(string.Empty, "POST", "/api/v1/programs",
            """{"siteId": "$SITE_ID", "name": "Evening Adult IOP", "levelOfCare": "asam-3:2.1", "coreGroupIds": ["$GROUP_ID"]}""", CaptureList: [("PROGRAM_ID", ".id")]),
        new("3. Enroll a patient: create, refer, screen, admit (If-Match carries the enrollment's version), assign a case manager", "POST", "/api/v1/patients",
            """{"mrn": "MRN-0001", "givenName": "Avery", "familyName": "Example", "dateOfBirth": "1988-04-12", "sexAtBirth": "female", "preferredLanguage": "en"}""",
            CaptureList: [("PATIENT_ID", ".id")]),
        new(string.Empty, "POST", "/api/v1/enrollments",
            """{"patientId": "$PATIENT_ID", "programId": "$PROGRAM_ID", "referralDate": "$TODAY", "referredByClinician": "Dr. Okafor"}""", CaptureList: [("ENROLLMENT_ID", ".id")]),
        new(string.Empty, "POST", "/api/v1/enrollments/$ENROLLMENT_ID/screen",
            """{"detoxStatus": "not_needed", "recommendedBy": "Dr. Rivera, LCSW", "recommendedOn": "$TODAY", "recommendedLevelOfCare": "asam-3:2.1", "actualLevelOfCare": "asam-3:2.1", "dualDiagnosis": false, "expectedPositiveAnalytes": [], "ageGroup": "adult"}""",
            IfMatch: 1),
        new(string.Empty, "POST", "/api/v1/enrollments/$ENROLLMENT_ID/admit", """{"admissionDate": "$TODAY"}""", IfMatch: 2),
        new(string.Empty, "PUT", "/api/v1/enrollments/$ENROLLMENT_ID/care-team",
            """{"caseManager": {"userId": "cm-1", "displayName": "Case Manager One"}, "supervisor": {"userId": "sup-1", "displayName": "Supervisor One"}}""", IfMatch: 3),
        new("4. Subscribe a webhook (your integration receives a patient's events while the patient's consent covers it)", "POST", "/api/v1/patients/$PATIENT_ID/consents",
            """{"disclosingParty": "Riverside IOP", "informationCategories": ["enrollment"], "recipientApiClientIds": ["$CLIENT_ID"], "treatmentPaymentOperations": false, "purpose": "Care coordination", "expiresOn": "$EXPIRES", "signedBy": "Avery Example", "signerRelationship": "patient", "signedAt": "$NOW", "revocationRightAcknowledged": true}"""),
        new(string.Empty, "POST", "/api/v1/webhook-subscriptions",
            """{"url": "$WEBHOOK_URL", "events": ["alert.raised"]}""", CaptureList: [("SECRET", ".secret")]),
        new("5. Record attendance once today's session has started (admission booked the patient into the group's sessions)", "GET", "/api/v1/groups/$GROUP_ID/sessions",
            CaptureList: [("SESSION_ID", ".items[0].id")]),
        new(string.Empty, "POST", "/api/v1/sessions/$SESSION_ID/attendance",
            """{"enrollmentId": "$ENROLLMENT_ID", "status": "absent_unexcused"}""", WaitForSessionStart: true),
        new("6. Run the drift rules now (the drift job also runs daily), then read the case manager's inbox", "POST", "/api/v1/programs/$PROGRAM_ID/drift-scan"),
        new(string.Empty, "GET", "/api/v1/case-managers/cm-1/alerts"),
    ];

    /// <summary>The README section between the markers.</summary>
    public static string Render()
    {
        var sb = new StringBuilder();
        sb.Append('\n');
        sb.Append("""
            ## Getting started for integrators

            Each step is one curl call against a running API (`dotnet run --project src/IopPlatform.Api`); `jq` picks ids out of
            the answers. The same steps run in CI over HTTP (`tests/IopPlatform.Api.Tests/Demo/WalkthroughTests.cs`), which also
            generates this section, so it cannot drift from the API. `WEBHOOK_URL` is any HTTPS endpoint you control (a request
            bin will do); the events arrive within a minute (the outbox dispatch job).

            ```sh
            BASE=http://localhost:5080
            ADMIN_KEY=iop_...   # printed once at first start, or set Auth__BootstrapAdminKey
            WEBHOOK_URL=https://example.org/iop-events
            TODAY=$(date -u +%F); NOW=$(date -u +%FT%TZ); EXPIRES=$(date -u -d '+1 year' +%F)

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        foreach (var step in Steps)
        {
            if (step.Title.Length > 0)
            {
                sb.Append("\n# ").Append(step.Title).Append('\n');
            }
            if (step.WaitForSessionStart)
            {
                sb.Append("# (after the session has started: 18:00 America/Chicago)\n");
            }
            var curl = new StringBuilder($"curl -sS -X {step.Method} \"$BASE{step.Path}\" -H \"X-Api-Key: ${step.Key}\"");
            if (step.IfMatch is { } version)
            {
                curl.Append(CultureInfo.InvariantCulture, $" -H 'If-Match: \"{version}\"'");
            }
            if (step.Body is not null)
            {
                curl.Append(" -H 'Content-Type: application/json' -d @- <<EOF");
            }
            var captures = step.Captures;
            string command;
            if (captures.Count == 1)
            {
                command = $"{captures[0].Name}=$({curl} | jq -r '{captures[0].Path}'";
                command += step.Body is null ? ")" : string.Empty;
            }
            else if (captures.Count > 1)
            {
                command = $"R=$({curl}";
                command += step.Body is null ? ")" : string.Empty;
            }
            else
            {
                command = curl + (step.Body is null ? " | jq" : string.Empty);
            }
            sb.Append(command).Append('\n');
            if (step.Body is not null)
            {
                sb.Append(step.Body).Append("\nEOF\n");
                if (captures.Count > 0)
                {
                    sb.Append(')').Append('\n');
                }
            }
            if (captures.Count > 1)
            {
                foreach (var (name, path) in captures)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{name}=$(jq -r '{path}' <<<\"$R\")\n");
                }
            }
        }
        sb.Append("""

            # 7. Your endpoint receives alert.raised, signed like Standard Webhooks: check
            #    webhook-signature == "v1," + base64(HMAC-SHA256(base64decode(SECRET without "whsec_"),
            #                                     "<webhook-id>.<webhook-timestamp>.<raw body>"))
            ```

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        return sb.ToString();
    }

    public static string Substitute(string text, IReadOnlyDictionary<string, string> vars) =>
        Variable().Replace(text, m => vars.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new InvalidOperationException($"${m.Groups[1].Value} is not set yet"));

    /// <summary>The jq subset the steps use: <c>.a.b</c>, <c>.[0].id</c> and <c>.items[0].id</c>.</summary>
    public static string Select(JsonElement json, string path)
    {
        var current = json;
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            current = bracket < 0 ? current.GetProperty(part) : bracket == 0 ? current : current.GetProperty(part[..bracket]);
            if (bracket >= 0)
            {
                current = current[int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
            }
        }
        return current.ValueKind == JsonValueKind.String ? current.GetString()! : current.GetRawText();
    }

    public static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IopPlatform.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }
        throw new InvalidOperationException("README.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\$([A-Z_]+)")]
    private static partial Regex Variable();
}
