using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Contracts;

namespace IopPlatform.Testing;

/// <summary>A partner app's client: its HTTP client sending the key, the API client id (the audit actor) and the key.</summary>
public sealed record PartnerClient(HttpClient Http, Guid ClientId, string Key);

/// <summary>Partner apps in tests get their keys the way real ones do: from the admin endpoint.</summary>
public static class PartnerClients
{
    /// <summary>
    /// Creates an API client with these roles (default: partner) and returns a client that sends its key and declares
    /// treatment as its purpose of use. Staff roles make it one of the organisation's own systems (kind internal_system).
    /// </summary>
    public static async Task<PartnerClient> PartnerClientAsync(this ApiFactory api, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(api);
        var granted = roles.Length == 0 ? [Roles.Partner] : roles;
        var kind = granted.All(r => r == Roles.Partner) ? ApiClientKinds.Partner : ApiClientKinds.InternalSystem;
        return await api.ApiClientAsync(new { name = $"Test partner {Guid.NewGuid():N}"[..24], roles = granted, kind });
    }

    /// <summary>A partner an admin recorded as a TPO recipient (a business associate, covered entity or Part 2 program).</summary>
    public static Task<PartnerClient> TpoPartnerClientAsync(this ApiFactory api, string agreement = "BAA-2026-017") =>
        api.ApiClientAsync(new { name = $"Test TPO {Guid.NewGuid():N}"[..20], roles = new[] { Roles.Partner }, kind = ApiClientKinds.Partner, tpoAgreement = agreement });

    private static async Task<PartnerClient> ApiClientAsync(this ApiFactory api, object body)
    {
        ArgumentNullException.ThrowIfNull(api);
        var created = await (await api.Admin().PostJson("/api/v1/api-clients", body)).Read<CreatedApiClientDto>(HttpStatusCode.Created);
        var http = api.ClientWithApiKey(created.Key);
        http.DefaultRequestHeaders.Add(HttpCurrentCaller.PurposeHeader, PurposesOfUse.Treatment);
        return new PartnerClient(http, created.Client.Id, created.Key);
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
