using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>The address table of <see cref="WebhookTargetPolicy"/>, both sides of every range's edges.</summary>
public sealed class WebhookTargetPolicyTests
{
    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.255.255.255", "unspecified")]
    [InlineData("1.0.0.0", null)]
    [InlineData("8.8.8.8", null)]
    [InlineData("9.255.255.255", null)]
    [InlineData("10.0.0.0", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("11.0.0.0", null)]
    [InlineData("100.63.255.255", null)]
    [InlineData("100.64.0.0", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("100.128.0.0", null)]
    [InlineData("126.255.255.255", null)]
    [InlineData("127.0.0.0", "loopback")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.255", "loopback")]
    [InlineData("128.0.0.0", null)]
    [InlineData("169.253.255.255", null)]
    [InlineData("169.254.0.0", "link-local")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("169.254.255.255", "link-local")]
    [InlineData("169.255.0.0", null)]
    [InlineData("172.15.255.255", null)]
    [InlineData("172.16.0.0", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("172.32.0.0", null)]
    [InlineData("192.167.255.255", null)]
    [InlineData("192.168.0.0", "private")]
    [InlineData("192.168.255.255", "private")]
    [InlineData("192.169.0.0", null)]
    [InlineData("223.255.255.255", null)]
    [InlineData("224.0.0.0", "multicast")]
    [InlineData("239.255.255.255", "multicast")]
    [InlineData("240.0.0.0", "reserved or broadcast")]
    [InlineData("255.255.255.255", "reserved or broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("2001:4860:4860::8888", null)]
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null)]
    [InlineData("fc00::", "unique-local")]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique-local")]
    [InlineData("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null)]
    [InlineData("fe80::", "link-local")]
    [InlineData("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local")]
    [InlineData("fec0::", "site-local")]
    [InlineData("ff00::", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("::ffff:100.64.0.1", "carrier-grade NAT")]
    [InlineData("::ffff:0.0.0.0", "unspecified")]
    [InlineData("::ffff:255.255.255.255", "reserved or broadcast")]
    [InlineData("::ffff:172.15.255.255", null)]
    [InlineData("::ffff:172.16.0.0", "private")]
    [InlineData("::ffff:8.8.8.8", null)]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::808:808", null)]
    [InlineData("2002:a9fe:a9fe::", "cloud metadata")]
    [InlineData("2002:808:808::", null)]
    public void Address_is_blocked_by_kind_or_public(string address, string? kind)
    {
        var blocked = WebhookTargetPolicy.BlockedKind(IPAddress.Parse(address));
        if (kind is null)
        {
            Assert.Null(blocked);
        }
        else
        {
            Assert.NotNull(blocked);
            Assert.Contains(kind, blocked, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    public void Malformed_allow_list_entry_fails_start_up(string entry) =>
        Assert.Contains(entry, Assert.Throws<InvalidOperationException>(() => WebhookTargetPolicy.ValidateAllowList([entry])).Message, StringComparison.Ordinal);

    [Fact]
    public void Allow_list_takes_addresses_ranges_and_names() =>
        WebhookTargetPolicy.ValidateAllowList(["127.0.0.1", "[::1]", "10.20.0.0/16", "fd00::/8", "partner.onprem.test", " "]);
}

/// <summary>DNS answers the test sets; unknown names do not resolve.</summary>
public sealed class FakeDns : IWebhookHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);

    public void Answer(string host, params string[] addresses) => _answers[host] = [.. addresses.Select(IPAddress.Parse)];

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _answers.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}

/// <summary>Production's target rules (https only) with an operator allow-list, and DNS the tests control.</summary>
public abstract class WebhookTargetsApi : AlertsApi
{
    protected WebhookTargetsApi(DatabaseEngine engine)
        : base(engine)
    {
        Set("Integration:Webhooks:AllowHttp", "false");
        Set("Integration:Webhooks:AllowedPrivateTargets:0", "127.0.0.2");
        Set("Integration:Webhooks:AllowedPrivateTargets:1", "10.20.0.0/16");
        Set("Integration:Webhooks:AllowedPrivateTargets:2", "partner.onprem.test");
        Set("Integration:Webhooks:TimeoutSeconds", "3");
    }

    public FakeDns Dns { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IWebhookHostResolver>(Dns);
}

public sealed class WebhookTargetsSqliteApi() : WebhookTargetsApi(DatabaseEngine.Sqlite);

public sealed class WebhookTargetsPostgresApi() : WebhookTargetsApi(DatabaseEngine.Postgres);

public sealed class WebhookTargetsSqlServerApi() : WebhookTargetsApi(DatabaseEngine.SqlServer);

/// <summary>A TCP port on a loopback address that counts the connections made to it and closes each at once.</summary>
internal sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener;
    private int _connections;

    public ConnectionCounter(string address = "127.0.0.1")
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        while (true)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
        }
    }

    public void Dispose() => _listener.Stop();
}

/// <summary>
/// Webhook targets cannot reach the server's own network (SSRF): refused at registration with a field error and no
/// row, and refused again at delivery when the host's DNS answer has changed since, recorded as a failed attempt.
/// </summary>
public abstract class WebhookTargetTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : WebhookTargetsApi
{
    private sealed class AttemptRow
    {
        public string Url { get; init; } = string.Empty;

        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }

        public string? Error { get; init; }
    }

    private static Task<HttpResponseMessage> Subscribe(PartnerClient partner, string url) =>
        partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url, events = new[] { "enrollment.status_changed" } });

    /// <summary>A patient admitted (two status changes) who consents to <paramref name="partner"/> receiving enrollment events.</summary>
    private async Task AdmittedPatientConsentingTo(PartnerClient partner, string given)
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, given, "cm-1");
        await Consent(enrollment.PatientId, partner.ClientId);
    }

    [Theory]
    [InlineData("http://public.test/hook", "must use https")]
    [InlineData("https://user:secret@public.test/hook", "user name or password")]
    [InlineData("ftp://public.test/hook", "absolute https URL")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://10.21.0.0/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "cloud metadata")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "loopback")]
    [InlineData("https://[fd12:3456::1]/hook", "unique-local")]
    [InlineData("https://localhost/hook", "this server itself")]
    [InlineData("https://api.localhost/hook", "this server itself")]
    [InlineData("https://intranet.test/hook", "at 192.168.1.10, a private address")]
    [InlineData("https://split.test/hook", "at 100.64.0.9, a carrier-grade NAT address")]
    [InlineData("https://nowhere.test/hook", "does not resolve")]
    public async Task Registration_of_an_internal_or_insecure_target_is_a_400_on_url_and_writes_nothing(string url, string reason)
    {
        Api.Dns.Answer("public.test", "203.0.113.10");
        Api.Dns.Answer("intranet.test", "192.168.1.10");
        Api.Dns.Answer("split.test", "203.0.113.10", "100.64.0.9");
        var partner = await Api.PartnerClientAsync();

        var problem = await (await Subscribe(partner, url)).Problem(HttpStatusCode.BadRequest);

        Assert.Contains(problem.FieldErrors("url"), e => e.Contains(reason, StringComparison.Ordinal));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM integration_webhook_subscription WHERE api_client_id = @ClientId", new { partner.ClientId }));
    }

    [Theory]
    [InlineData("https://public.test/hook")]
    [InlineData("https://127.0.0.2:8443/hook")]
    [InlineData("https://10.20.255.255/hook")]
    [InlineData("https://partner.onprem.test/hook")]
    public async Task Registration_of_a_public_or_allow_listed_target_is_stored(string url)
    {
        Api.Dns.Answer("public.test", "203.0.113.10");
        Api.Dns.Answer("partner.onprem.test", "10.99.0.5");
        var partner = await Api.PartnerClientAsync();

        var created = await (await Subscribe(partner, url)).Read<WebhookSubscriptionDto>(HttpStatusCode.Created);

        Assert.Equal(url, created.Url);
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM integration_webhook_subscription WHERE api_client_id = @ClientId AND url = @url", new { partner.ClientId, url }));
    }

    [Fact]
    public async Task A_host_that_resolves_internally_after_registration_is_not_connected_to_and_the_delivery_fails_then_dead_letters()
    {
        using var rebound = new ConnectionCounter();
        using var onPremises = new ConnectionCounter();
        Api.Dns.Answer("rebind.test", "203.0.113.10");
        Api.Dns.Answer("partner.onprem.test", "127.0.0.1");
        var partner = await Api.PartnerClientAsync();
        var rebindUrl = $"https://rebind.test:{rebound.Port}/hook";
        await (await Subscribe(partner, rebindUrl)).Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        await (await Subscribe(partner, $"https://partner.onprem.test:{onPremises.Port}/hook")).Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        // The partner's name now answers with this server's loopback (DNS rebinding).
        Api.Dns.Answer("rebind.test", "127.0.0.1");
        await AdmittedPatientConsentingTo(partner, "Dana");
        const string Deliveries = """
            SELECT s.url, d.status, d.attempts, d.last_error AS Error
            FROM integration_webhook_delivery d JOIN integration_webhook_subscription s ON s.id = d.subscription_id
            WHERE s.api_client_id = @ClientId
            """;

        await Run(new DispatchOutboxCommand());

        var refused = (await Rows<AttemptRow>(Deliveries, new { partner.ClientId })).Where(d => d.Url == rebindUrl).ToList();
        Assert.Equal(2, refused.Count); // screened and admitted
        Assert.All(refused, d => Assert.Equal(("pending", 1), (d.Status, d.Attempts)));
        Assert.All(refused, d => Assert.Contains("'rebind.test' is at 127.0.0.1, a loopback address", d.Error, StringComparison.Ordinal));
        Assert.Equal(2, await Count("""
            SELECT COUNT(*) FROM integration_webhook_attempt a JOIN integration_webhook_delivery d ON d.id = a.delivery_id
            JOIN integration_webhook_subscription s ON s.id = d.subscription_id
            WHERE s.url = @rebindUrl AND a.status_code IS NULL AND a.error LIKE '%loopback%'
            """, new { rebindUrl }));
        Assert.Equal(0, rebound.Connections);
        // The allow-listed name on the same loopback is connected to, so the refusal above is the policy, not the network.
        Assert.True(onPremises.Connections > 0, "the allow-listed target was never connected to");

        // Retried per the usual backoff, dead-lettered once the retry window is over, never connected.
        Api.Clock.Advance(TimeSpan.FromHours(25));
        await Run(new DispatchOutboxCommand());
        refused = (await Rows<AttemptRow>(Deliveries, new { partner.ClientId })).Where(d => d.Url == rebindUrl).ToList();
        Assert.All(refused, d => Assert.Equal(("dead", 2), (d.Status, d.Attempts)));
        Assert.Equal(0, rebound.Connections);
    }

    [Fact]
    public async Task A_stored_http_target_is_refused_at_delivery_when_http_is_not_allowed()
    {
        // A subscription stored before this rule existed (or while AllowHttp was on) is not sent in clear.
        using var plain = new ConnectionCounter("127.0.0.2");
        var partner = await Api.PartnerClientAsync();
        var url = $"http://127.0.0.2:{plain.Port}/hook";
        var secure = await (await Subscribe(partner, $"https://127.0.0.2:{plain.Port}/hook")).Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        await using (var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE integration_webhook_subscription SET url = @url WHERE id = @Id", new { url, secure.Id });
        }
        await AdmittedPatientConsentingTo(partner, "Robin");

        await Run(new DispatchOutboxCommand());

        var rows = await Rows<AttemptRow>("SELECT d.status, d.attempts, d.last_error AS Error FROM integration_webhook_delivery d WHERE d.subscription_id = @Id", new { secure.Id });
        Assert.NotEmpty(rows);
        Assert.All(rows, d => Assert.Equal(("pending", 1), (d.Status, d.Attempts)));
        Assert.All(rows, d => Assert.Contains("must use https", d.Error, StringComparison.Ordinal));
        Assert.Equal(0, plain.Connections);
    }
}

public sealed class WebhookTargetSqliteTests(WebhookTargetsSqliteApi api) : WebhookTargetTests<WebhookTargetsSqliteApi>(api), IClassFixture<WebhookTargetsSqliteApi>;

public sealed class WebhookTargetPostgresTests(WebhookTargetsPostgresApi api) : WebhookTargetTests<WebhookTargetsPostgresApi>(api), IClassFixture<WebhookTargetsPostgresApi>;

public sealed class WebhookTargetSqlServerTests(WebhookTargetsSqlServerApi api) : WebhookTargetTests<WebhookTargetsSqlServerApi>(api), IClassFixture<WebhookTargetsSqlServerApi>;
