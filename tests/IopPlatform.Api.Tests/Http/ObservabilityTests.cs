using System.Diagnostics;
using System.Net;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.Http;

public sealed class ObservabilityTests(HttpSqliteApi api) : EngineTest<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>
{
    [Fact]
    public async Task Problem_trace_id_is_the_trace_exported_for_the_request()
    {
        var id = Guid.CreateVersion7();

        var problem = await (await Api.Admin().GetAsync($"/api/v1/programs/{id}", Ct)).Problem(HttpStatusCode.NotFound);

        var traceId = problem.GetProperty("traceId").GetString();
        var server = await WaitForSpan(a => a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string)?.Contains(id.ToString(), StringComparison.Ordinal) == true);
        Assert.Equal(server.TraceId.ToHexString(), traceId);
        // The platform's own span for the MediatR request sits in the same trace.
        var handler = await WaitForSpan(a => a.Source.Name == "IopPlatform" && a.TraceId == server.TraceId);
        Assert.Equal("GetProgramQuery", handler.DisplayName);
    }

    [Fact]
    public async Task Names_sent_to_the_api_never_reach_the_logs()
    {
        // Stands in for a patient's name: any request content must stay out of every log line.
        var marker = $"Sensitive-{Guid.NewGuid():N}";
        var admin = Api.Admin();

        var site = await (await admin.PostJson("/api/v1/sites", new { name = marker, timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = marker, levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created);
        await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = marker + new string('x', 300), levelOfCare = "not-a-code" }))
            .Problem(HttpStatusCode.BadRequest);
        await (await admin.PostJson("/api/v1/sites", new { name = marker, timeZone = marker })).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync($"/api/v1/programs?siteId={site.Id}", Ct)).Read<CursorPageLike>();

        var lines = Api.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("CreateSiteRequest", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(marker, StringComparison.Ordinal));
    }

    private async Task<Activity> WaitForSpan(Func<Activity, bool> match)
    {
        // The server span ends just after the response is sent, so it can land a moment after the client has it.
        for (var i = 0; i < 100; i++)
        {
            var found = Api.Spans.ToArray().FirstOrDefault(a => a is not null && match(a));
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(50, Ct);
        }
        throw new Xunit.Sdk.XunitException("No exported span matched.");
    }

    private sealed record CursorPageLike;
}
