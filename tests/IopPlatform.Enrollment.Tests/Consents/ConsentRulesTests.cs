using System.Net;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Consents;

/// <summary>Findings of the 42 CFR Part 2 review that are not about one route: calendars, partner keys, registration.</summary>
public abstract class ConsentRulesTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task An_expiry_date_is_judged_on_the_sites_calendar()
    {
        var program = await Api.CreateProgramAsync(timeZone: "America/Chicago");
        var enrollment = await Api.AdmitNewPatientAsync(program.Id);
        var partner = await Api.PartnerClientAsync();
        var today = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime);
        var lastDay = today.AddDays(2);
        await (await Api.Admin().PostJson($"/api/v1/patients/{enrollment.PatientId}/consents", new
        {
            disclosingParty = "Riverside IOP",
            informationCategories = new[] { "enrollment" },
            recipientApiClientIds = new[] { partner.ClientId },
            treatmentPaymentOperations = false,
            purpose = "Care coordination",
            expiresOn = lastDay,
            signedBy = "Dana Whitfield",
            signerRelationship = "patient",
            signedAt = Api.Clock.GetUtcNow().AddMinutes(-1),
            revocationRightAcknowledged = true,
        })).Read<ConsentDto>(HttpStatusCode.Created);
        var dayAfter = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var scope = Api.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        Task<DisclosureDecision> At(DateTimeOffset at) =>
            mediator.Send(new DiscloseRecordsCommand(enrollment.PatientId, "enrollment", []) { RecipientApiClientId = partner.ClientId, At = at }, Ct);

        // 03:00 UTC on the day after is still the last day in Chicago (21:00 or 22:00); 08:00 UTC is the day after there too.
        Assert.True((await At(dayAfter.AddHours(3))).Allowed);
        Assert.False((await At(dayAfter.AddHours(8))).Allowed);
    }

    [Fact]
    public async Task A_partner_key_gets_only_the_partner_role_whatever_its_row_says()
    {
        var partner = await Api.PartnerClientAsync();
        await using (var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct))
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE integration_api_client SET roles = 'partner,clinician,admin' WHERE id = @Id", new { Id = partner.ClientId }, cancellationToken: Ct));
        }

        await (await partner.Http.GetAsync("/api/v1/api-clients", Ct)).Problem(HttpStatusCode.Forbidden);
        await (await partner.Http.GetAsync($"/api/v1/patients/{Guid.CreateVersion7()}/consents", Ct)).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_partner_cannot_register_patients_so_an_existing_mrn_tells_it_nothing()
    {
        var existing = await Api.CreatePatientAsync();
        var partner = await Api.PartnerClientAsync();
        object Body(string mrn) => new { mrn, givenName = "Dana", familyName = "Whitfield", dateOfBirth = "1988-04-12", sexAtBirth = "female", preferredLanguage = "en" };

        var taken = await (await partner.Http.PostJson("/api/v1/patients", Body(existing.Mrn))).Problem(HttpStatusCode.Forbidden);
        var fresh = await (await partner.Http.PostJson("/api/v1/patients", Body($"NEW-{Guid.NewGuid():N}"[..20]))).Problem(HttpStatusCode.Forbidden);

        Assert.Equal(taken.GetProperty("title").GetString(), fresh.GetProperty("title").GetString());
        Assert.Equal(taken.TryGetProperty("detail", out var a) ? a.GetString() : null, fresh.TryGetProperty("detail", out var b) ? b.GetString() : null);
        var withThatMrn = await (await Api.Admin().GetAsync($"/api/v1/patients?identifier={Uri.EscapeDataString(existing.Mrn)}", Ct)).Read<System.Text.Json.JsonElement>();
        Assert.Equal(existing.Id, Assert.Single(withThatMrn.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_admin_records_and_withdraws_the_agreement_that_makes_a_partner_a_tpo_recipient()
    {
        var patient = await Api.CreatePatientAsync();
        var partner = await Api.PartnerClientAsync();
        var admin = Api.Admin();
        await (await admin.PostJson($"/api/v1/patients/{patient.Id}/consents", new
        {
            disclosingParty = "Riverside IOP",
            informationCategories = new[] { "demographics" },
            recipientApiClientIds = Array.Empty<Guid>(),
            treatmentPaymentOperations = true,
            purpose = "Treatment, payment and health care operations",
            expiresOn = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime).AddYears(1),
            signedBy = "Dana Whitfield",
            signerRelationship = "patient",
            signedAt = Api.Clock.GetUtcNow().AddMinutes(-1),
            revocationRightAcknowledged = true,
        })).Read<ConsentDto>(HttpStatusCode.Created);
        async Task<HttpResponseMessage> SetAgreement(string? agreement)
        {
            var current = await admin.GetAsync($"/api/v1/api-clients/{partner.ClientId}", Ct);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/api-clients/{partner.ClientId}/tpo-agreement")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { agreement }),
            };
            put.Headers.IfMatch.Add(current.Headers.ETag!);
            return await admin.SendAsync(put, Ct);
        }

        await (await partner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await SetAgreement("BAA-2026-044")).StatusCode);
        var allowed = await partner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True(allowed.Headers.Contains("X-Redisclosure-Notice"));
        Assert.Equal(HttpStatusCode.OK, (await SetAgreement(null)).StatusCode);
        await (await partner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct)).Problem(HttpStatusCode.NotFound);
        await (await partner.Http.PutAsync($"/api/v1/api-clients/{partner.ClientId}/tpo-agreement", null, Ct)).Problem(HttpStatusCode.Forbidden);
    }
}

public sealed class ConsentRulesTestsOnSqlite(SqliteApi api) : ConsentRulesTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class ConsentRulesTestsOnPostgres(PostgresApi api) : ConsentRulesTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class ConsentRulesTestsOnSqlServer(SqlServerApi api) : ConsentRulesTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
