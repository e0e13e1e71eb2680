using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;

namespace IopPlatform.Reliability.Tests.BadInput;

/// <summary>
/// Thousands of bad requests generated from the OpenAPI document, over every operation: none may end in a 5xx, every
/// 4xx is a ProblemDetails with its status and a traceId, and a rejected request leaves every table as it was.
/// </summary>
public abstract class GeneratedBadInputTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ReliabilityApi
{
    public const int Seed = 20260302;
    private const int BatchSize = 40;

    /// <summary>An error names what is wrong; it does not send a 400 kB body back (issue 19: 10,000 invalid roles gave 1 MB).</summary>
    private const int MaxErrorBody = 24 * 1024;

    [Fact]
    public async Task Every_operation_survives_generated_bad_input_without_5xx_or_side_effects()
    {
        var world = await World.CreateAsync(Api);
        var admin = Api.Admin();
        var document = JsonNode.Parse(await admin.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative), Ct))!.AsObject();
        var fuzzer = new OpenApiFuzzer(document, Seed, world.Ids);
        var operations = fuzzer.Operations();
        var cases = operations.SelectMany(fuzzer.Generate).ToList();
        Assert.True(operations.Count >= 60, $"only {operations.Count} operations in the document");
        Assert.All(operations, o => Assert.True(cases.Count(c => c.Operation == o) >= 10, $"{o.Name} has too few cases"));
        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases generated");

        // Mostly the admin, who passes every role check and so reaches validation; every ninth request as another caller.
        HttpClient[] others = [Api.ClientAs(Roles.Clinician), Api.ClientAs(Roles.Supervisor), Api.ClientAs(Roles.CaseManager), world.Partner.Http];
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        int verified = 0, unverified = 0, accepted = 0;
        var clock = Stopwatch.StartNew();

        var before = await Fingerprint();
        var index = 0;
        foreach (var batch in cases.Chunk(BatchSize))
        {
            var writes = 0;
            var rejected = 0;
            foreach (var fuzz in batch)
            {
                var client = index++ % 9 == 8 ? others[index % others.Length] : admin;
                var (status, problem) = await Send(client, fuzz);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (problem is not null)
                {
                    failures.Add($"{fuzz}: {problem}");
                }
                if (status is >= 200 and < 300)
                {
                    accepted++;
                    writes += fuzz.Operation.Mutates ? 1 : 0;
                }
                else
                {
                    rejected++;
                }
            }
            var after = await Fingerprint();
            if (writes == 0)
            {
                var changed = before.Differences(after);
                if (changed.Count > 0)
                {
                    failures.Add($"Rejected requests changed the database ({batch[0]} .. {batch[^1]}): {string.Join("; ", changed)}");
                }
                verified += rejected;
            }
            else
            {
                // A request was accepted and wrote: this batch proves nothing about the rejected ones beside it.
                unverified += rejected;
            }
            before = after;
        }

        var summary = $"{cases.Count} requests over {operations.Count} operations on {Api.Engine} in {clock.Elapsed.TotalSeconds:F0}s; " +
            $"statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; accepted {accepted}; rejected with the database checked {verified}, unchecked {unverified}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Assert.True(failures.Count == 0, $"{failures.Count} failures. {summary}{Environment.NewLine}{string.Join(Environment.NewLine, failures.OrderBy(f => f.Contains(": 5", StringComparison.Ordinal) ? 0 : 1).Take(60))}");
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        // Most rejected requests must really have been checked against the database, or the proof is hollow.
        Assert.True(verified >= 4 * unverified, summary);
    }

    /// <summary>The status, and what is wrong with the response (null when nothing).</summary>
    private static async Task<(int Status, string? Problem)> Send(HttpClient client, FuzzCase fuzz)
    {
        HttpResponseMessage response;
        try
        {
            using var request = fuzz.ToRequest();
            response = await client.SendAsync(request, Ct);
        }
        catch (InvalidOperationException ex) when (fuzz.Url.Contains("%00", StringComparison.Ordinal) && ex.Message.Contains("null characters", StringComparison.Ordinal))
        {
            // The server's URL decoder refuses a NUL in the path before any application code runs (Kestrel answers a
            // bodiless 400): counted as that 400, nothing reached a handler or the database.
            return (400, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Ct.IsCancellationRequested)
        {
            return (599, $"exception {ex.GetType().Name}: {ex.Message}");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (status >= 500)
            {
                return (status, $"{status} {Short(text)}");
            }
            if (fuzz.Expected is not null && !fuzz.Expected.Contains(status))
            {
                return (status, $"expected {string.Join('/', fuzz.Expected)} but got {status} {Short(text)}");
            }
            if (status < 400)
            {
                return (status, null);
            }
            if (text.Length > MaxErrorBody)
            {
                return (status, $"{status} error body of {text.Length} characters echoes the input: {Short(text)}");
            }
            return (status, ProblemFailure(response.Content.Headers.ContentType, status, text));
        }
    }

    private static string? ProblemFailure(MediaTypeHeaderValue? contentType, int status, string text)
    {
        if (contentType?.MediaType != "application/problem+json")
        {
            return $"{status} with content type {contentType?.MediaType ?? "none"}: {Short(text)}";
        }
        try
        {
            var body = JsonSerializer.Deserialize<JsonElement>(text);
            if (!body.TryGetProperty("status", out var s) || s.GetInt32() != status)
            {
                return $"{status} problem without its status: {Short(text)}";
            }
            return body.TryGetProperty("traceId", out var trace) && !string.IsNullOrEmpty(trace.GetString()) ? null : $"{status} problem without traceId: {Short(text)}";
        }
        catch (JsonException)
        {
            return $"{status} problem that is not JSON: {Short(text)}";
        }
    }

    private async Task<DatabaseFingerprint> Fingerprint()
    {
        await using var db = await Api.OpenDatabase();
        return await DatabaseFingerprint.TakeAsync(db, Api.Engine, Ct);
    }

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

public sealed class GeneratedBadInputTestsOnSqlite(ReliabilitySqliteApi api) : GeneratedBadInputTests<ReliabilitySqliteApi>(api), IClassFixture<ReliabilitySqliteApi>;

public sealed class GeneratedBadInputTestsOnPostgres(ReliabilityPostgresApi api) : GeneratedBadInputTests<ReliabilityPostgresApi>(api), IClassFixture<ReliabilityPostgresApi>;

public sealed class GeneratedBadInputTestsOnSqlServer(ReliabilitySqlServerApi api) : GeneratedBadInputTests<ReliabilitySqlServerApi>(api), IClassFixture<ReliabilitySqlServerApi>;
