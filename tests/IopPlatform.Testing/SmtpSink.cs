using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace IopPlatform.Testing;

/// <summary>
/// A real SMTP server on 127.0.0.1 (SmtpServer package, no TLS, no auth) that keeps every message it accepts, so the
/// app's SMTP sender is exercised over the wire instead of being swapped for a fake.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SmtpSink()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.iop.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<Message> Messages { get; } = new();

    /// <summary>One accepted message: the envelope (MAIL FROM / RCPT TO) and the raw RFC 5322 text.</summary>
    public sealed record Message(string From, IReadOnlyList<string> To, string Raw);

    public async Task<List<Message>> WaitFor(int count, TimeSpan bound, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + bound;
        while (Messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        return Messages.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // The server ends by cancellation.
        }
        _stop.Dispose();
    }

    private sealed class Store(ConcurrentQueue<Message> messages) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var raw = Encoding.UTF8.GetString(buffer.ToArray());
            messages.Enqueue(new Message(Address(transaction.From), transaction.To.Select(Address).ToList(), raw));
            return Task.FromResult(SmtpResponse.Ok);
        }

        private static string Address(IMailbox mailbox) => $"{mailbox.User}@{mailbox.Host}";
    }
}
