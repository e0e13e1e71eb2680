using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Contracts;

namespace IopPlatform.Testing;

/// <summary>A partner app's client: its HTTP client sending the key, the API client id (the audit actor) and the key.</summary>
public sealed record PartnerClient(HttpClient Http, Guid ClientId, string Key);

/// <summary>Partner apps in tests get their keys the way real ones do: from the admin endpoint.</summary>
public static class PartnerClients
{
    /// <summary>Creates an API client with these roles (default: partner) and returns a client that sends its key.</summary>
    public static async Task<PartnerClient> PartnerClientAsync(this ApiFactory api, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(api);
        var granted = roles.Length == 0 ? [Roles.Partner] : roles;
        var response = await api.Admin().PostJson("/api/v1/api-clients", new { name = $"Test partner {Guid.NewGuid():N}"[..24], roles = granted });
        var created = await response.Read<CreatedApiClientDto>(HttpStatusCode.Created);
        return new PartnerClient(api.ClientWithApiKey(created.Key), created.Client.Id, created.Key);
    }

    /// <summary>A client that sends <paramref name="key"/> in the X-Api-Key header.</summary>
    public static HttpClient ClientWithApiKey(this ApiFactory api, string key)
    {
        ArgumentNullException.ThrowIfNull(api);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, key);
        return client;
    }
}
