using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Consents;

/// <summary>The organisation's own admin API clients are not external recipients; partner keys and other API clients are.</summary>
public abstract class OwnApiClientsTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task An_admin_api_key_reads_a_patient_without_consent_while_a_clinician_role_key_does_not()
    {
        var patient = await Seed.Patient(Api.ClientAs(Roles.Clinician));
        var adminKey = await Api.PartnerClientAsync(Roles.Admin);
        var integrationKey = await Api.PartnerClientAsync(Roles.Clinician);

        var own = await adminKey.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);
        var external = await integrationKey.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.False(own.Headers.Contains("X-Redisclosure-Notice"));
        await external.Problem(HttpStatusCode.NotFound);
    }
}

public sealed class OwnApiClientsTestsOnSqlite(SqliteApi api) : OwnApiClientsTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OwnApiClientsTestsOnPostgres(PostgresApi api) : OwnApiClientsTests<PostgresApi>(api), IClassFixture<PostgresApi>;
