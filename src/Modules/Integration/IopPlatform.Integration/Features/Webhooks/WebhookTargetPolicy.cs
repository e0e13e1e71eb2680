using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>Resolves a webhook host's addresses; a seam only because DNS answers change outside our control.</summary>
internal interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// Decides whether a URL may receive webhooks, so a caller cannot make the server POST into its own network (SSRF):
/// https only (http where <see cref="WebhookOptions.AllowHttp"/>), no user-info, and no host that is or resolves to a
/// loopback, private, link-local, carrier-grade NAT, unspecified, multicast or broadcast address, in IPv4 or any IPv6
/// form that carries one. <see cref="WebhookOptions.AllowedPrivateTargets"/> (addresses, CIDRs or host names) lets an
/// operator reach on-premises partner apps. Asked at registration and again at every connection
/// (<see cref="ConnectAsync"/>), which connects only to the addresses it checked, so a DNS answer that changes after
/// registration or between check and connect (rebinding) reaches nothing internal.
/// </summary>
internal sealed class WebhookTargetPolicy(WebhookOptions options, IWebhookHostResolver resolver)
{
    private const string AllowListKey = "Integration:Webhooks:AllowedPrivateTargets";

    private static readonly (IPNetwork Network, string Kind)[] Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    // IPv6 addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address, or
    // ::ffff:127.0.0.1 would be a way round the IPv4 rules.
    private static readonly (IPNetwork Network, int Offset)[] EmbeddingIPv4 =
    [
        (IPNetwork.Parse("::ffff:0:0/96"), 12),
        (IPNetwork.Parse("::/96"), 12),
        (IPNetwork.Parse("64:ff9b::/96"), 12),
        (IPNetwork.Parse("2002::/16"), 2),
    ];

    private readonly AllowList _allowed = AllowList.Parse(options.AllowedPrivateTargets);

    /// <summary>What an address is when it may not receive webhooks (e.g. "a loopback address"); null for a public one.</summary>
    public static string? BlockedKind(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var (network, kind) in Blocked)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            foreach (var (network, offset) in EmbeddingIPv4)
            {
                if (network.Contains(address))
                {
                    return BlockedKind(new IPAddress(address.GetAddressBytes().AsSpan(offset, 4)));
                }
            }
        }
        return null;
    }

    /// <summary>Fails start-up on a malformed allow-list entry rather than silently blocking the partner it was meant for.</summary>
    public static void ValidateAllowList(IEnumerable<string> entries) => AllowList.Parse(entries);

    /// <summary>Why <paramref name="url"/> may not be a webhook target, from the URL alone (no DNS); null when it may.</summary>
    public string? RefuseUrl(string url) => Refuse(url, out _);

    /// <summary>Why <paramref name="url"/> may not be a webhook target, resolving its host; null when it may.</summary>
    public async Task<string?> RefuseAsync(string url, CancellationToken cancellationToken)
    {
        if (Refuse(url, out var uri) is { } refused)
        {
            return refused;
        }
        var host = uri!.IdnHost;
        try
        {
            return (await CheckAsync(host, cancellationToken)).Refusal;
        }
        catch (SocketException)
        {
            return $"Url host '{Normalize(host)}' does not resolve.";
        }
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client: resolves the host once, refuses the
    /// connection when any of its addresses may not be reached, and connects only to those addresses.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (addresses, refusal) = await CheckAsync(context.DnsEndPoint.Host, cancellationToken);
        if (refusal is not null)
        {
            // Reported by the handler as a failed connection, so the dispatcher records it like any other.
            throw new IOException(refusal);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private string? Refuse(string url, out Uri? uri)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return options.AllowHttp ? "Url must be an absolute http(s) URL." : "Url must be an absolute https URL.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
        {
            return "Url must use https: events carry patient identifiers.";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "Url must not contain a user name or password; the signature authenticates each delivery.";
        }
        var host = Normalize(uri.IdnHost);
        if ((host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal)) && !_allowed.Names.Contains(host))
        {
            return $"Url host '{host}' is this server itself.";
        }
        return null;
    }

    private async Task<(IPAddress[] Addresses, string? Refusal)> CheckAsync(string host, CancellationToken cancellationToken)
    {
        var name = Normalize(host);
        var addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await resolver.ResolveAsync(name, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        if (_allowed.Names.Contains(name))
        {
            return (addresses, null);
        }
        foreach (var address in addresses)
        {
            var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (BlockedKind(address) is { } kind && !_allowed.Networks.Any(n => n.Contains(plain) || n.Contains(address)))
            {
                return (addresses, $"Url host '{name}' is {(address.ToString() == name ? string.Empty : $"at {address}, ")}{kind}; webhooks go to public endpoints " +
                                   $"(an operator can allow an on-premises target in {AllowListKey}).");
            }
        }
        return (addresses, null);
    }

    private static string Normalize(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private sealed record AllowList(HashSet<string> Names, List<IPNetwork> Networks)
    {
        public static AllowList Parse(IEnumerable<string> entries)
        {
            var list = new AllowList(new HashSet<string>(StringComparer.Ordinal), []);
            foreach (var raw in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
            {
                if (raw.Contains('/', StringComparison.Ordinal))
                {
                    // 10.0.0.1/8 would quietly open the whole /8; insist the operator writes the range they mean.
                    list.Networks.Add(IPNetwork.TryParse(raw, out var network) && network.BaseAddress.Equals(IPAddress.Parse(raw[..raw.IndexOf('/', StringComparison.Ordinal)].Trim('[', ']')))
                        ? network
                        : throw new InvalidOperationException($"{AllowListKey}: '{raw}' is not a CIDR range (its host bits must be zero, e.g. 10.20.0.0/16)."));
                }
                else if (IPAddress.TryParse(raw.Trim('[', ']'), out var address))
                {
                    list.Networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
                }
                else
                {
                    list.Names.Add(Normalize(raw));
                }
            }
            return list;
        }
    }
}
