using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IopPlatform.Testing;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>Calls the runner makes: any answer but a 2xx stops the run with the request and the problem body.</summary>
internal static class Http
{
    public static Task<JsonElement> GetAsync(HttpClient client, string url, CancellationToken ct) => SendAsync(client, HttpMethod.Get, url, null, null, ct);

    public static Task<JsonElement> PostAsync(HttpClient client, string url, object body, CancellationToken ct, int? ifMatch = null) =>
        SendAsync(client, HttpMethod.Post, url, body, ifMatch, ct);

    public static Task<JsonElement> PutAsync(HttpClient client, string url, object body, CancellationToken ct, int? ifMatch = null) =>
        SendAsync(client, HttpMethod.Put, url, body, ifMatch, ct);

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string url, object? body, int? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: HttpJson.Options);
        }
        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{version}\"")));
        }
        using var response = await client.SendAsync(request, ct);
        return await ReadAsync(response, ct, $"{method} {url}");
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct, string? what = null)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what ?? response.RequestMessage?.RequestUri?.ToString()} answered {(int)response.StatusCode}: {text}");
        }
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    public static Guid Id(this JsonElement body) => body.GetProperty("id").GetGuid();

    public static int Version(this JsonElement body) => body.GetProperty("version").GetInt32();
}
