using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IopPlatform.Testing;

/// <summary>A partner's webhook receiver on 127.0.0.1: records every POST, answers 500 to the first one on <c>/flaky</c>.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _flakyFailures = 1;

    public WebhookReceiver()
        : this(FreePort())
    {
    }

    /// <summary>Listens on a port chosen earlier, e.g. one a subscription pointed at while nothing listened there.</summary>
    public WebhookReceiver(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>How many POSTs to <c>/flaky</c> still get a 500 (1 at the start).</summary>
    public int FlakyFailures
    {
        get => Volatile.Read(ref _flakyFailures);
        set => Volatile.Write(ref _flakyFailures, value);
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Bodies that do not match their event type's schema in the catalogue; disposing fails when there are any.</summary>
    public ConcurrentQueue<string> SchemaViolations { get; } = new();

    public sealed record Received(string Path, string Id, string Timestamp, string Signature, string Body, int AnsweredWith, string? Notice = null, string? ConsentScope = null);

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
            var path = context.Request.Url!.AbsolutePath;
            var status = path == "/flaky" && Interlocked.Decrement(ref _flakyFailures) >= 0 ? 500 : 204;
            foreach (var violation in WebhookPayloadSchemas.Violations(body))
            {
                SchemaViolations.Enqueue(violation);
            }
            Requests.Enqueue(new Received(path, context.Request.Headers["webhook-id"]!, context.Request.Headers["webhook-timestamp"]!, context.Request.Headers["webhook-signature"]!, body, status,
                context.Request.Headers["X-Redisclosure-Notice"], context.Request.Headers["X-Consent-Scope"]));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        if (!SchemaViolations.IsEmpty)
        {
            throw new InvalidOperationException("Webhook payloads outside the event catalogue: " + string.Join("; ", SchemaViolations));
        }
    }
}
