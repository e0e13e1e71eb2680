using System.Net;
using System.Text.Json;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>One alert as the evaluation sees it: when it first reached amber or red, if it ever did.</summary>
public sealed record ObservedAlert(
    Guid Id,
    Guid EnrollmentId,
    string AlertType,
    string Rule,
    string Severity,
    string Status,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ResolvedAt,
    bool Escalated,
    IReadOnlyList<DateTimeOffset> ReachedAmberOrRedAt)
{
    /// <summary>Counted as a dropout-risk alert: anything but outreach tasks, safety alerts and clinical flags.</summary>
    public bool IsRiskAlert => AlertType is not ("outreach_task" or "safety") && !AlertType.Contains("flag", StringComparison.Ordinal);

    public bool EverAmberOrRed => ReachedAmberOrRedAt.Count > 0;
}

/// <summary>
/// Every read of alerts the evaluation makes, in one place so it follows the API as it changes. All alerts: the
/// program-wide list <c>GET /alerts?programId=&amp;status=</c> when the host has it, else each case manager's inbox
/// <c>GET /case-managers/{id}/alerts?status=</c>, once per status (a status the host does not know yet answers 400
/// and is skipped). "Ever amber or red" comes from each alert's history (<c>GET /alerts/{id}</c>). The inbox is what
/// case managers see: their inbox endpoint with its default (unresolved) filter.
/// </summary>
public sealed class AlertReader(HttpClient admin, IReadOnlyList<string> caseManagerIds, IReadOnlyList<Guid> programIds)
{
    private static readonly string[] Statuses = ["open", "acknowledged", "outreach_attempted", "escalated", "resolved", "resolved_by_return"];
    private static readonly string[] AmberOrRed = ["amber", "red"];

    /// <summary>Every alert of every status, with its history.</summary>
    public async Task<IReadOnlyList<ObservedAlert>> AllAsync(CancellationToken ct)
    {
        var items = new Dictionary<Guid, JsonElement>();
        var programWide = await ListAsync($"/api/v1/alerts?programId={programIds[0]}&status=open", ct) is not null;
        foreach (var status in Statuses)
        {
            var urls = programWide
                ? programIds.Select(p => $"/api/v1/alerts?programId={p}&status={status}")
                : caseManagerIds.Select(c => $"/api/v1/case-managers/{c}/alerts?status={status}");
            foreach (var url in urls)
            {
                foreach (var item in await ListAsync(url, ct) ?? [])
                {
                    items[item.GetProperty("id").GetGuid()] = item;
                }
            }
        }
        var alerts = new List<ObservedAlert>(items.Count);
        foreach (var id in items.Keys.Order())
        {
            alerts.Add(Observe(await Http.GetAsync(admin, $"/api/v1/alerts/{id}", ct)));
        }
        return alerts;
    }

    /// <summary>The patients (enrollments) with an unresolved amber or red alert in any case manager's inbox now.</summary>
    public async Task<IReadOnlySet<Guid>> InboxAsync(CancellationToken ct)
    {
        var enrollments = new HashSet<Guid>();
        foreach (var caseManager in caseManagerIds)
        {
            foreach (var severity in AmberOrRed)
            {
                foreach (var item in await ListAsync($"/api/v1/case-managers/{caseManager}/alerts?severity={severity}", ct) ?? [])
                {
                    if (Observe(item, history: false).IsRiskAlert)
                    {
                        enrollments.Add(item.GetProperty("enrollmentId").GetGuid());
                    }
                }
            }
        }
        return enrollments;
    }

    /// <summary>All pages of a list, or null when the host answers 404 (no such list) or 400 (a filter value it does not know).</summary>
    private async Task<List<JsonElement>?> ListAsync(string url, CancellationToken ct)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = $"{url}&limit=200{(cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor))}";
            using var response = await admin.GetAsync(new Uri(page, UriKind.Relative), ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed)
            {
                return null;
            }
            var body = await Http.ReadAsync(response, ct);
            all.AddRange(body.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            cursor = body.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    private static ObservedAlert Observe(JsonElement alert, bool history = true)
    {
        var severity = alert.GetProperty("severity").GetString()!;
        var raisedAt = alert.GetProperty("raisedAt").GetDateTimeOffset();
        var reached = new List<DateTimeOffset>();
        if (history && alert.TryGetProperty("history", out var changes) && changes.GetArrayLength() > 0
            && changes.EnumerateArray().All(c => c.TryGetProperty("severity", out _) && c.TryGetProperty("at", out _)))
        {
            // Each step into amber or red (raised at it, or raised to it) is a moment the inbox showed something new.
            string? before = null;
            foreach (var change in changes.EnumerateArray())
            {
                var after = change.GetProperty("severity").GetString();
                if (AmberOrRed.Contains(after) && after != before && before != "red")
                {
                    reached.Add(change.GetProperty("at").GetDateTimeOffset());
                }
                before = after;
            }
        }
        else if (AmberOrRed.Contains(severity))
        {
            reached.Add(raisedAt);
        }
        return new ObservedAlert(
            alert.GetProperty("id").GetGuid(),
            alert.GetProperty("enrollmentId").GetGuid(),
            alert.GetProperty("alertType").GetString()!,
            alert.GetProperty("rule").GetString()!,
            severity,
            alert.GetProperty("status").GetString()!,
            raisedAt,
            alert.TryGetProperty("resolvedAt", out var resolved) && resolved.ValueKind == JsonValueKind.String ? resolved.GetDateTimeOffset() : null,
            alert.TryGetProperty("escalatedAt", out var escalated) && escalated.ValueKind == JsonValueKind.String,
            reached);
    }
}
