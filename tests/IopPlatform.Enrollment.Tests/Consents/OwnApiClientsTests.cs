using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Consents;

/// <summary>
/// API clients are either the organisation's own systems (staff roles, not recipients) or partners (only the partner
/// role, external recipients): a partner key can never hold a staff role and so never reaches a staff endpoint.
/// </summary>
public abstract class OwnApiClientsTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task An_internal_system_key_reads_without_consent_while_a_partner_key_does_not()
    {
        var patient = await Seed.Patient(Api.ClientAs(Roles.Clinician));
        var own = await Api.PartnerClientAsync(Roles.Clinician);
        var partner = await Api.PartnerClientAsync();

        var ownRead = await own.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);
        var partnerRead = await partner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);

        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        Assert.False(ownRead.Headers.Contains("X-Redisclosure-Notice"));
        await partnerRead.Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_partner_key_with_a_staff_role_is_refused_at_creation()
    {
        var admin = Api.Admin();

        var staffRolePartner = await (await admin.PostJson("/api/v1/api-clients", new { name = "Bridge", roles = new[] { Roles.Clinician } })).Problem(HttpStatusCode.BadRequest);
        var partnerRoleSystem = await (await admin.PostJson("/api/v1/api-clients", new { name = "Bridge", roles = new[] { Roles.Partner }, kind = ApiClientKinds.InternalSystem }))
            .Problem(HttpStatusCode.BadRequest);
        var tpoSystem = await (await admin.PostJson("/api/v1/api-clients", new { name = "Bridge", roles = new[] { Roles.Clinician }, kind = ApiClientKinds.InternalSystem, tpoAgreement = "BAA-1" }))
            .Problem(HttpStatusCode.BadRequest);

        Assert.Contains("internal_system", Assert.Single(staffRolePartner.FieldErrors("roles")), StringComparison.Ordinal);
        Assert.NotEmpty(partnerRoleSystem.FieldErrors("roles"));
        Assert.NotEmpty(tpoSystem.FieldErrors("tpoAgreement"));
    }

    [Fact]
    public async Task A_partner_key_never_reaches_a_staff_endpoint()
    {
        var partner = await Api.PartnerClientAsync();
        var program = await Seed.Program(Api.Admin());

        await (await partner.Http.GetAsync($"/api/v1/programs/{program.Id}/outcome-report", Ct)).Problem(HttpStatusCode.Forbidden);
        await (await partner.Http.PostJson($"/api/v1/patients/{Guid.CreateVersion7()}/consents", new { })).Problem(HttpStatusCode.Forbidden);
    }
}

public sealed class OwnApiClientsTestsOnSqlite(SqliteApi api) : OwnApiClientsTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OwnApiClientsTestsOnPostgres(PostgresApi api) : OwnApiClientsTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OwnApiClientsTestsOnSqlServer(SqlServerApi api) : OwnApiClientsTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
