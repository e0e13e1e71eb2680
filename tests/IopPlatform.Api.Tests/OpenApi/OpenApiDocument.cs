using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>One operation of the served OpenAPI document, and a request built from what the document says of it.</summary>
public sealed record DocumentedOperation(string Method, string Path, JsonElement Operation)
{
    public override string ToString() => $"{Method} {Path}";

    public IEnumerable<JsonElement> Parameters(string location) =>
        Operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == location)
            : [];

    public bool DeclaresHeader(string name, bool required) =>
        Parameters("header").Any(p => string.Equals(p.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase)
                                      && (!required || (p.TryGetProperty("required", out var flag) && flag.GetBoolean())));

    public IEnumerable<(string Status, JsonElement Response)> Responses() =>
        Operation.GetProperty("responses").EnumerateObject().Select(r => (r.Name, r.Value));

    public JsonElement? RequestExample =>
        Operation.TryGetProperty("requestBody", out var body)
        && body.GetProperty("content").TryGetProperty("application/json", out var json)
        && json.TryGetProperty("example", out var example)
            ? example
            : null;

    /// <summary>The request: path parameters from <paramref name="pathValue"/>, the JSON example as body, no conditional headers.</summary>
    public HttpRequestMessage Request(Func<string, string> pathValue, JsonElement? body = null)
    {
        var url = Regex.Replace(Path, "{([^}]+)}", m => Uri.EscapeDataString(pathValue(m.Groups[1].Value)));
        var request = new HttpRequestMessage(new HttpMethod(Method.ToUpperInvariant()), url);
        if ((body ?? RequestExample) is { } json)
        {
            request.Content = new StringContent(json.GetRawText(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        return request;
    }
}

public static class ServedDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static async Task<JsonElement> Read(ApiFactory api) =>
        await (await api.Anonymous().GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken)).Read<JsonElement>();

    public static IEnumerable<DocumentedOperation> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => Methods.Contains(o.Name))
                .Select(o => new DocumentedOperation(o.Name, path.Name, o.Value)));

    /// <summary>A staff token holding every staff role, so role checks let every staff operation through.</summary>
    public static HttpClient AllStaffRoles(ApiFactory api)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("openapi-probe", "OpenAPI probe", [.. Roles.Staff]));
        return client;
    }
}
