using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Integration.Contracts;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>
/// SMART Backend Services end to end: a client registers its public keys, signs an assertion (RS384 or ES384), gets a
/// token at /connect/token and reads through the same consent door as with its API key; every refusal is the OAuth
/// error RFC 6749 §5.2 and the SMART specification name.
/// </summary>
public abstract class SmartBackendServicesTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    private const string TokenEndpoint = "http://localhost/connect/token";

    [Fact]
    public async Task Discovery_document_names_the_token_endpoint_and_what_it_accepts()
    {
        var config = await (await Api.Anonymous().GetAsync("/.well-known/smart-configuration", Ct)).Read<JsonElement>();

        Assert.Equal(TokenEndpoint, config.GetProperty("token_endpoint").GetString());
        Assert.Equal(["client_credentials"], Strings(config, "grant_types_supported"));
        Assert.Equal(["private_key_jwt"], Strings(config, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["RS384", "ES384"], Strings(config, "token_endpoint_auth_signing_alg_values_supported"));
        Assert.Equal(["client-confidential-asymmetric", "permission-v1", "permission-v2"], Strings(config, "capabilities"));
        Assert.Contains("system/Patient.read", Strings(config, "scopes_supported"));
        Assert.Contains("system/Patient.rs", Strings(config, "scopes_supported"));
    }

    [Fact]
    public async Task Rs384_and_es384_tokens_read_a_consented_patient_as_the_api_client_and_nothing_else()
    {
        var client = await RegisteredClientAsync();
        var program = await Api.CreateProgramAsync();
        var consented = await Api.AdmitNewPatientAsync(program.Id);
        var withoutConsent = await Api.AdmitNewPatientAsync(program.Id);
        await Api.GrantConsentAsync(consented.PatientId, client.Id, InformationCategories.Demographics);

        var rsResponse = await RequestTokenAsync(client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384), "system/Patient.read");
        var rs = await rsResponse.Read<JsonElement>();
        var es = await (await RequestTokenAsync(client.Assertion(client.Ec, SecurityAlgorithms.EcdsaSha384), "system/Patient.rs system/Observation.rs system/Patient.rs")).Read<JsonElement>();

        Assert.Equal("Bearer", rs.GetProperty("token_type").GetString());
        Assert.Equal(300, rs.GetProperty("expires_in").GetInt32());
        Assert.Equal("system/Patient.read", rs.GetProperty("scope").GetString());
        Assert.Equal("system/Patient.rs system/Observation.rs", es.GetProperty("scope").GetString());
        Assert.True(rsResponse.Headers.CacheControl?.NoStore);
        var claims = new JsonWebToken(rs.GetProperty("access_token").GetString());
        Assert.Equal(client.Id.ToString(), claims.Subject);
        Assert.Equal("system/Patient.read", claims.GetPayloadValue<string>("scope"));

        foreach (var token in new[] { rs, es }.Select(t => t.GetProperty("access_token").GetString()!))
        {
            var http = WithToken(token);
            var read = await http.GetAsync($"/api/v1/patients/{consented.PatientId}", Ct);
            Assert.Equal(consented.PatientId, (await read.Read<PatientDto>()).Id);
            Assert.True(read.Headers.Contains(DisclosureHeaders.Notice));
            await (await http.GetAsync($"/api/v1/patients/{withoutConsent.PatientId}", Ct)).Problem(HttpStatusCode.NotFound);
            // Read scopes only: a write the client's API key could make is refused.
            await (await http.PostJson("/api/v1/patients", new { mrn = "SMART-1", givenName = "A", familyName = "B", dateOfBirth = "1990-01-01", sexAtBirth = "male" }))
                .Problem(HttpStatusCode.Forbidden);
        }

        // The disclosure is accounted to the API client, exactly as with its key.
        var accounting = (await (await Api.Admin().GetAsync($"/api/v1/patients/{consented.PatientId}/disclosures?limit=200", Ct)).Read<JsonElement>()).GetProperty("items");
        Assert.Equal(2, accounting.GetArrayLength());
        Assert.All(accounting.EnumerateArray(), e => Assert.Contains(client.Id.ToString(), e.GetRawText(), StringComparison.Ordinal));
        // And its API key keeps working beside the tokens.
        await (await client.Partner.Http.GetAsync($"/api/v1/patients/{consented.PatientId}", Ct)).Read<PatientDto>();
    }

    [Fact]
    public async Task A_smart_token_reads_a_patient_and_searches_observations_through_fhir_within_consent_and_scope()
    {
        var client = await RegisteredClientAsync();
        var program = await Api.CreateProgramAsync();
        var consented = await Api.AdmitNewPatientAsync(program.Id);
        var withoutConsent = await Api.AdmitNewPatientAsync(program.Id);
        await Api.GrantConsentAsync(consented.PatientId, client.Id, InformationCategories.Demographics, InformationCategories.Outcomes);
        var measure = await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/enrollments/{consented.Id}/measures", new
        {
            instrument = "phq9",
            administeredAt = Api.Clock.GetUtcNow().AddHours(-1),
            answers = new[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 },
        })).Read<JsonElement>(HttpStatusCode.Created);
        var token = (await (await RequestTokenAsync(client.Assertion(client.Ec, SecurityAlgorithms.EcdsaSha384), "system/Patient.read system/Observation.rs")).Read<JsonElement>())
            .GetProperty("access_token").GetString()!;
        var http = WithToken(token);

        var patient = await FhirAsync(await http.GetAsync($"/fhir/R4/Patient/{consented.PatientId}", Ct), HttpStatusCode.OK);
        var bundle = await FhirAsync(await http.GetAsync($"/fhir/R4/Observation?patient={consented.PatientId}", Ct), HttpStatusCode.OK);
        var hidden = await FhirAsync(await http.GetAsync($"/fhir/R4/Patient/{withoutConsent.PatientId}", Ct), HttpStatusCode.NotFound);

        Assert.Equal("Patient", patient.GetProperty("resourceType").GetString());
        Assert.Equal(consented.PatientId.ToString(), patient.GetProperty("id").GetString());
        Assert.Equal("searchset", bundle.GetProperty("type").GetString());
        var observations = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("id").GetString()).ToList();
        Assert.Equal([$"measure-{measure.GetProperty("id").GetString()}"], observations);
        Assert.Equal("OperationOutcome", hidden.GetProperty("resourceType").GetString());

        // A token without the Observation scope may read the patient but not search observations.
        var narrow = WithToken((await (await RequestTokenAsync(client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384), "system/Patient.read")).Read<JsonElement>())
            .GetProperty("access_token").GetString()!);
        var refused = await FhirAsync(await narrow.GetAsync($"/fhir/R4/Observation?patient={consented.PatientId}", Ct), HttpStatusCode.Forbidden);
        Assert.Contains("insufficient_scope", refused.GetRawText(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> FhirAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Assertions_with_a_wrong_key_a_wrong_audience_an_expiry_in_the_past_or_too_far_ahead_are_invalid_client()
    {
        var client = await RegisteredClientAsync();
        using var stranger = RSA.Create(2048);
        var now = Api.Clock.GetUtcNow();

        var cases = new Dictionary<string, string>
        {
            ["wrong key"] = client.Assertion(new RsaSecurityKey(stranger) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha384),
            ["wrong aud"] = client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384, audience: "https://elsewhere.example/token"),
            ["expired"] = client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384, expires: now.AddMinutes(-2)),
            ["exp too far ahead"] = client.Assertion(client.Ec, SecurityAlgorithms.EcdsaSha384, expires: now.AddMinutes(30)),
            ["RS256"] = client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha256),
            ["not a JWT"] = "not-a-jwt",
        };
        foreach (var (name, assertion) in cases)
        {
            var error = await OAuthErrorAsync(await RequestTokenAsync(assertion, "system/Patient.read"), HttpStatusCode.Unauthorized);
            Assert.True(error == "invalid_client", $"{name}: {error}");
        }
    }

    [Fact]
    public async Task A_reused_jti_is_refused_and_kept_in_the_database_until_its_assertion_expires()
    {
        var client = await RegisteredClientAsync();
        var assertion = client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384, jti: "once-only");

        await (await RequestTokenAsync(assertion, "system/Patient.read")).Read<JsonElement>();
        Assert.Equal("invalid_client", await OAuthErrorAsync(await RequestTokenAsync(assertion, "system/Patient.read"), HttpStatusCode.Unauthorized));
        var again = client.Assertion(client.Ec, SecurityAlgorithms.EcdsaSha384, jti: "once-only");
        Assert.Equal("invalid_client", await OAuthErrorAsync(await RequestTokenAsync(again, "system/Patient.read"), HttpStatusCode.Unauthorized));

        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM integration_smart_assertion WHERE api_client_id = @Id AND jti = 'once-only'", new { client.Id }));
    }

    [Fact]
    public async Task Scopes_beyond_the_clients_roles_or_beyond_reading_are_invalid_scope_and_other_grants_unsupported()
    {
        var partner = await RegisteredClientAsync();
        var internalSystem = await RegisteredClientAsync(Roles.CaseManager);

        foreach (var scope in new[] { "system/Flag.read", "system/Patient.write", "system/Patient.cruds", "patient/Patient.read", "system/Unicorn.read", "openid" })
        {
            var error = await OAuthErrorAsync(await RequestTokenAsync(partner.Assertion(partner.Rsa, SecurityAlgorithms.RsaSha384), scope), HttpStatusCode.BadRequest);
            Assert.True(error == "invalid_scope", $"{scope}: {error}");
        }
        // A staff-role internal system may read alerts; wildcards grant what the roles allow.
        var staff = await (await RequestTokenAsync(internalSystem.Assertion(internalSystem.Rsa, SecurityAlgorithms.RsaSha384), "system/Flag.read system/*.rs")).Read<JsonElement>();
        Assert.Equal("system/Flag.read system/*.rs", staff.GetProperty("scope").GetString());
        var all = await (await RequestTokenAsync(partner.Assertion(partner.Rsa, SecurityAlgorithms.RsaSha384), "system/*.read")).Read<JsonElement>();
        Assert.Equal("system/*.read", all.GetProperty("scope").GetString());

        var password = await Api.Anonymous().PostAsync("/connect/token", Form(("grant_type", "password"), ("username", "a"), ("password", "b")), Ct);
        Assert.Equal("unsupported_grant_type", await OAuthErrorAsync(password, HttpStatusCode.BadRequest));
        var noScope = await RequestTokenAsync(partner.Assertion(partner.Rsa, SecurityAlgorithms.RsaSha384), null);
        Assert.Equal("invalid_request", await OAuthErrorAsync(noScope, HttpStatusCode.BadRequest));
        var noAssertion = await Api.Anonymous().PostAsync("/connect/token", Form(("grant_type", "client_credentials"), ("scope", "system/Patient.read")), Ct);
        Assert.Equal("invalid_client", await OAuthErrorAsync(noAssertion, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_revoked_clients_token_stops_working_on_its_next_request_and_an_expired_token_is_refused()
    {
        var client = await RegisteredClientAsync();
        var token = (await (await RequestTokenAsync(client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384), "system/Patient.read")).Read<JsonElement>())
            .GetProperty("access_token").GetString()!;
        var http = WithToken(token);
        await (await http.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();

        await (await Api.Admin().PostAsync($"/api/v1/api-clients/{client.Id}/revoke", null, Ct)).Read<ApiClientDto>();

        var refused = await (await http.GetAsync("/api/v1/sites", Ct)).Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_client", await OAuthErrorAsync(
            await RequestTokenAsync(client.Assertion(client.Rsa, SecurityAlgorithms.RsaSha384), "system/Patient.read"), HttpStatusCode.Unauthorized));

        var other = await RegisteredClientAsync();
        var shortLived = WithToken((await (await RequestTokenAsync(other.Assertion(other.Ec, SecurityAlgorithms.EcdsaSha384), "system/Patient.read")).Read<JsonElement>())
            .GetProperty("access_token").GetString()!);
        await (await shortLived.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();
        Api.Clock.Advance(TimeSpan.FromMinutes(7));
        await (await shortLived.GetAsync("/api/v1/sites", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_jwks_with_private_material_weak_or_unsupported_keys_is_a_400_problem_and_changes_nothing()
    {
        var partner = await Api.PartnerClientAsync();
        using var rsa = RSA.Create(2048);
        using var weak = RSA.Create(1024);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var full = rsa.ExportParameters(true);
        var withPrivate = new { kty = "RSA", kid = "k1", n = B64(full.Modulus!), e = B64(full.Exponent!), d = B64(full.D!) };
        var weakKey = weak.ExportParameters(false);
        var curve = p256.ExportParameters(false);

        var bodies = new object[]
        {
            new { keys = new[] { withPrivate } },
            new { keys = new[] { new { kty = "RSA", kid = "k1", n = B64(weakKey.Modulus!), e = B64(weakKey.Exponent!) } } },
            new { keys = new[] { new { kty = "EC", kid = "k1", crv = "P-256", x = B64(curve.Q.X!), y = B64(curve.Q.Y!) } } },
            new { keys = new[] { new { kty = "oct", kid = "k1", k = "c2VjcmV0" } } },
            new { keys = new[] { new { kty = "EC", kid = "k1", crv = "P-384", x = B64(new byte[48]), y = B64(new byte[48]) } } },
        };
        foreach (var body in bodies)
        {
            var problem = await (await PutJwksAsync(partner.ClientId, body, 1)).Problem(HttpStatusCode.BadRequest);
            Assert.Contains("keys[0]", problem.GetProperty("errors").GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
        await (await PutJwksAsync(partner.ClientId, new { keys = Array.Empty<object>() }, null)).Problem(HttpStatusCode.PreconditionRequired);

        var unchanged = await (await Api.Admin().GetAsync($"/api/v1/api-clients/{partner.ClientId}", Ct)).Read<ApiClientDto>();
        Assert.Equal(1, unchanged.Version);
        Assert.Null(unchanged.JwksKeyIds);
    }

    private async Task<SmartClient> RegisteredClientAsync(params string[] roles)
    {
        var partner = await Api.PartnerClientAsync(roles);
        var rsa = RSA.Create(2048);
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var r = rsa.ExportParameters(false);
        var q = ec.ExportParameters(false).Q;
        var registered = await (await PutJwksAsync(partner.ClientId, new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa-1", alg = "RS384", use = "sig", n = B64(r.Modulus!), e = B64(r.Exponent!) },
                new { kty = "EC", kid = "ec-1", crv = "P-384", x = B64(q.X!), y = B64(q.Y!) },
            },
        }, 1)).Read<ApiClientDto>();
        Assert.Equal(["rsa-1", "ec-1"], registered.JwksKeyIds);
        Assert.Equal(2, registered.Version);
        return new SmartClient(partner, new RsaSecurityKey(rsa) { KeyId = "rsa-1" }, new ECDsaSecurityKey(ec) { KeyId = "ec-1" }, Api.Clock);
    }

    private async Task<HttpResponseMessage> PutJwksAsync(Guid clientId, object body, int? version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/api-clients/{clientId}/jwks")
        {
            Content = JsonContent.Create(body, options: HttpJson.Options),
        };
        if (version is { } v)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
        }
        return await Api.Admin().SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> RequestTokenAsync(string assertion, string? scope)
    {
        var fields = new List<(string, string)>
        {
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        };
        if (scope is not null)
        {
            fields.Add(("scope", scope));
        }
        return Api.Anonymous().PostAsync("/connect/token", Form([.. fields]), Ct);
    }

    private HttpClient WithToken(string token)
    {
        var http = Api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add(HttpCurrentCaller.PurposeHeader, PurposesOfUse.Treatment);
        return http;
    }

    private static async Task<string?> OAuthErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.CacheControl?.NoStore, body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error_description").GetString()));
        return json.GetProperty("error").GetString();
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static string[] Strings(JsonElement json, string name) => [.. json.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private sealed record SmartClient(PartnerClient Partner, SecurityKey Rsa, SecurityKey Ec, TimeProvider Clock)
    {
        public Guid Id => Partner.ClientId;

        /// <summary>A client assertion: iss = sub = client id, aud = the token endpoint, exp four minutes ahead, a fresh jti.</summary>
        public string Assertion(SecurityKey key, string algorithm, string audience = TokenEndpoint, DateTimeOffset? expires = null, string? jti = null)
        {
            var now = Clock.GetUtcNow();
            return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Id.ToString(),
                Audience = audience,
                IssuedAt = now.UtcDateTime,
                Expires = (expires ?? now.AddMinutes(4)).UtcDateTime,
                Claims = new Dictionary<string, object> { ["sub"] = Id.ToString(), ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
                SigningCredentials = new SigningCredentials(key, algorithm),
            });
        }
    }
}

public sealed class SmartBackendServicesTestsOnSqlite(SqliteApi api) : SmartBackendServicesTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class SmartBackendServicesTestsOnPostgres(PostgresApi api) : SmartBackendServicesTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class SmartBackendServicesTestsOnSqlServer(SqlServerApi api) : SmartBackendServicesTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
