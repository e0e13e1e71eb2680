using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using Claim = System.Security.Claims.Claim;
using System.Text;
using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Fhir.Features.Pipeline;
using IopPlatform.Testing;
using Microsoft.IdentityModel.Tokens;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace IopPlatform.Fhir.Tests;

/// <summary>
/// Reads FHIR responses with Firely's parser and validates every resource read against the FHIR R4 base specification
/// (Firely validator, definitions from Hl7.Fhir.Specification.R4): no test can read a resource without validating it.
/// </summary>
internal static class FhirHttp
{
    public const string Base = "/fhir/R4";

    private static readonly Lazy<Validator> BaseSpec = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    private static readonly Lock ValidatorLock = new();

    public static async Task<T> Fhir<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
        where T : Resource
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = JsonSerializer.Deserialize<T>(text, FhirResult.Json)!;
        AssertValid(resource);
        return resource;
    }

    public static Task<OperationOutcome> Outcome(this HttpResponseMessage response, HttpStatusCode expected) => response.Fhir<OperationOutcome>(expected);

    /// <summary>No error or fatal issue against the base spec. meta.profile is left out: the US Core package is not available offline (README).</summary>
    public static void AssertValid(Resource resource)
    {
        var copy = (Resource)resource.DeepCopy();
        copy.Meta?.Profile = [];
        if (copy is Bundle bundle)
        {
            foreach (var entry in bundle.Entry.Where(e => e.Resource?.Meta is not null))
            {
                entry.Resource!.Meta!.Profile = [];
            }
        }
        OperationOutcome outcome;
        lock (ValidatorLock)
        {
            outcome = BaseSpec.Value.Validate(copy);
        }
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id} is not valid FHIR R4: " + string.Join("; ", errors.Select(e => $"{string.Join(",", e.Expression)} {e.Diagnostics ?? e.Details?.Text}")));
    }

    public static IEnumerable<T> Resources<T>(this Bundle bundle)
        where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();

    public static string? Next(this Bundle bundle) => bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;

    /// <summary>A client with a token minted like <see cref="TestTokens"/> plus a SMART <c>scope</c> claim; a partner when <paramref name="apiClientId"/> is set.</summary>
    public static HttpClient ClientWithScopes(this ApiFactory api, string scope, string role, Guid? apiClientId = null)
    {
        var subject = apiClientId?.ToString() ?? $"smart-{Guid.NewGuid():N}"[..20];
        var claims = new List<Claim> { new(CallerClaims.Subject, subject), new(CallerClaims.Name, "SMART client"), new(CallerClaims.Role, role), new("scope", scope) };
        if (apiClientId is { } id)
        {
            claims.Add(new Claim(CallerClaims.ApiClientId, id.ToString()));
            claims.Add(new Claim(CallerClaims.ActorType, "api_client"));
        }
        var token = new JwtSecurityToken(TestTokens.Issuer, TestTokens.Audience, claims, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddHours(1),
            new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256));
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new JwtSecurityTokenHandler().WriteToken(token));
        client.DefaultRequestHeaders.Add(HttpCurrentCaller.PurposeHeader, PurposesOfUse.Treatment);
        return client;
    }
}
