using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Demo;

/// <summary>The host with a known bootstrap admin key, as an integrator following the README would have.</summary>
public abstract class WalkthroughApi(DatabaseEngine engine) : ApiFactory(engine)
{
    public const string BootstrapKey = "iop_walkthrough-admin-key-0123456789-abcdefghij";

    public override ValueTask InitializeAsync()
    {
        Set("Auth:BootstrapAdminKey", BootstrapKey);
        return base.InitializeAsync();
    }
}

public sealed class WalkthroughSqliteApi() : WalkthroughApi(DatabaseEngine.Sqlite);

public sealed class WalkthroughPostgresApi() : WalkthroughApi(DatabaseEngine.Postgres);

public sealed class WalkthroughSqlServerApi() : WalkthroughApi(DatabaseEngine.SqlServer);

/// <summary>
/// The README's "Getting started for integrators" is generated from <see cref="Walkthrough.Steps"/>, and the same
/// steps run here over HTTP, so the README cannot drift from the API. After changing the steps, regenerate the README
/// section with <c>IOP_UPDATE_README=1 dotnet test --project tests/IopPlatform.Api.Tests -- --filter-class "*Walkthrough*"</c>.
/// </summary>
public abstract class WalkthroughTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : WalkthroughApi
{
    [Fact]
    public async Task Readme_walkthrough_is_generated_from_the_steps()
    {
        var readme = Walkthrough.ReadmePath();
        var text = await File.ReadAllTextAsync(readme, Ct);
        var begin = text.IndexOf(Walkthrough.Begin, StringComparison.Ordinal);
        var end = text.IndexOf(Walkthrough.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md lacks the {Walkthrough.Begin} … {Walkthrough.End} markers");
        var current = text[(begin + Walkthrough.Begin.Length)..end];
        var expected = Walkthrough.Render();
        if (Environment.GetEnvironmentVariable("IOP_UPDATE_README") == "1" && current != expected)
        {
            await File.WriteAllTextAsync(readme, text[..(begin + Walkthrough.Begin.Length)] + expected + text[end..], Ct);
            return;
        }
        Assert.Equal(expected, current);
    }

    [Fact]
    public async Task Readme_walkthrough_runs_against_the_api()
    {
        await using var receiver = new WalkthroughReceiver();
        var now = Api.Clock.GetUtcNow();
        var vars = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ADMIN_KEY"] = WalkthroughApi.BootstrapKey,
            ["TODAY"] = $"{now:yyyy-MM-dd}",
            ["NOW"] = $"{now.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}",
            ["EXPIRES"] = $"{now.AddYears(1):yyyy-MM-dd}",
            ["WEBHOOK_URL"] = receiver.BaseUrl + "/iop-events",
        };
        JsonElement last = default;
        foreach (var step in Walkthrough.Steps)
        {
            if (step.WaitForSessionStart)
            {
                // The reader waits until the session has started; the test moves its clock past the session instead.
                var sessions = await (await Api.Admin().GetAsync($"/api/v1/groups/{vars["GROUP_ID"]}/sessions?limit=200", Ct)).Read<JsonElement>();
                var first = sessions.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("id").GetString() == vars["SESSION_ID"]);
                Api.Clock.SetUtcNow(first.GetProperty("endsAt").GetDateTimeOffset().AddMinutes(10));
            }
            using var client = Api.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", vars[step.Key]);
            using var request = new HttpRequestMessage(new HttpMethod(step.Method), Walkthrough.Substitute(step.Path, vars));
            if (step.Body is not null)
            {
                request.Content = new StringContent(Walkthrough.Substitute(step.Body, vars), Encoding.UTF8, "application/json");
            }
            if (step.IfMatch is { } version)
            {
                request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
            }
            using var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"step '{step.Title}': {(int)response.StatusCode} {body}");
            last = body.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(body);
            foreach (var (name, path) in step.Captures)
            {
                vars[name] = Walkthrough.Select(last, path);
            }
        }

        // The last step read the case manager's inbox: the drift scan raised an alert there.
        var alerts = last.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Equal(vars["ENROLLMENT_ID"], a.GetProperty("enrollmentId").GetString()));

        // The dispatch job (every minute in a deployment) delivers alert.raised, signed with the subscription's secret.
        var dispatch = Api.Services.GetServices<RecurringJobDefinition>().Single(j => j.Id == "integration:dispatch-outbox");
        await dispatch.RunNowAsync(Api.Services, Ct);
        var delivered = receiver.Requests.ToList();
        Assert.NotEmpty(delivered);
        Assert.All(delivered, r =>
        {
            Assert.Equal("/iop-events", r.Path);
            Assert.Contains("\"alert.raised\"", r.Body, StringComparison.Ordinal);
            var key = Convert.FromBase64String(vars["SECRET"]["whsec_".Length..]);
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
            Assert.Equal(expected, r.Signature);
        });
    }
}

public sealed class WalkthroughSqliteTests(WalkthroughSqliteApi api) : WalkthroughTests<WalkthroughSqliteApi>(api), IClassFixture<WalkthroughSqliteApi>;

public sealed class WalkthroughPostgresTests(WalkthroughPostgresApi api) : WalkthroughTests<WalkthroughPostgresApi>(api), IClassFixture<WalkthroughPostgresApi>;

public sealed class WalkthroughSqlServerTests(WalkthroughSqlServerApi api) : WalkthroughTests<WalkthroughSqlServerApi>(api), IClassFixture<WalkthroughSqlServerApi>;

/// <summary>A loopback webhook endpoint that records what it receives and answers 204.</summary>
internal sealed class WalkthroughReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WalkthroughReceiver()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public System.Collections.Concurrent.ConcurrentQueue<Received> Requests { get; } = new();

    public sealed record Received(string Path, string Id, string Timestamp, string Signature, string Body);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new Received(context.Request.Url!.AbsolutePath, context.Request.Headers["webhook-id"]!, context.Request.Headers["webhook-timestamp"]!, context.Request.Headers["webhook-signature"]!, body));
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
