using System.Net;
using System.Net.Http.Headers;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Testing;

/// <summary>
/// The API host with the missed-session job marking whole rosters (so a test controls every booking), and email
/// sent over SMTP to a real SMTP server of this class on 127.0.0.1.
/// </summary>
public abstract class AlertsApi : ApiFactory
{
    protected AlertsApi(DatabaseEngine engine)
        : base(engine)
    {
        Set("Scheduling:MarkWholeRosterAbsentWhenNothingRecorded", "true");
        Set("Integration:Email:From", "alerts@iop.test");
        Set("Integration:Email:SmtpHost", "127.0.0.1");
        Set("Integration:Email:SmtpPort", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Integration:Email:SmtpSsl", "false");
        Set("Integration:Email:AddressTemplate", "{userId}@clinic.test");
        Set("Integration:Email:LinkBaseUrl", "https://iop.test");
    }

    public SmtpSink Smtp { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class AlertsSqliteApi() : AlertsApi(DatabaseEngine.Sqlite);

public sealed class AlertsPostgresApi() : AlertsApi(DatabaseEngine.Postgres);

public sealed class AlertsSqlServerApi() : AlertsApi(DatabaseEngine.SqlServer);

/// <summary>Real data flows through the public API: sites, groups, programs, patients, enrollments, attendance, tests.</summary>
public abstract class AlertsTest<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : AlertsApi
{
    protected const string Zone = "America/Chicago";

    /// <summary>The host the helpers talk to: the class's fixture, or a host a test started itself (e.g. after a restart).</summary>
    protected AlertsApi Host { get; set; } = api;

    protected DateTimeOffset Now => Host.Clock.GetUtcNow();

    protected HttpClient Clinician() => Host.ClientAs(Roles.Clinician, "clin-1");

    protected HttpClient CaseManager(string id) => Host.ClientAs(Roles.CaseManager, id);

    protected HttpClient Supervisor() => Host.ClientAs(Roles.Supervisor, "sup-1");

    /// <summary>A site in Chicago, a daily 18:00–21:00 group from today, and a program with that group as core group.</summary>
    protected async Task<(Guid ProgramId, Guid GroupId)> ProgramWithDailyGroup()
    {
        var admin = Host.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Riverside", timeZone = Zone })).Read<SiteDto>(HttpStatusCode.Created);
        var group = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = site.Id,
            name = "Evening recovery",
            track = "adult",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" },
            startTime = "18:00",
            endTime = "21:00",
            firstDate = "2026-03-02",
        })).Read<IdOnly>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Evening Adult IOP", levelOfCare = "asam-3:2.1", coreGroupIds = new[] { group.Id } }))
            .Read<ProgramDto>(HttpStatusCode.Created);
        return (program.Id, group.Id);
    }

    /// <summary>Patient referred, screened, admitted on 2 March 2026, with a care team.</summary>
    protected async Task<EnrollmentDto> ActiveEnrollment(Guid programId, string given, string caseManager, string supervisor = "sup-1", string counsellor = "clin-1")
    {
        var admin = Host.Admin();
        var mrn = $"MRN-{Guid.NewGuid():N}"[..20];
        var patient = await (await admin.PostJson("/api/v1/patients", new
        {
            mrn,
            externalIds = Array.Empty<object>(),
            givenName = given,
            familyName = "Whitfield",
            dateOfBirth = "1988-04-12",
            sexAtBirth = "female",
            preferredLanguage = "en",
        })).Read<PatientDto>(HttpStatusCode.Created);
        var referral = await (await admin.PostJson("/api/v1/enrollments", new { patientId = patient.Id, programId, referralDate = "2026-02-16", referredByClinician = "Dr. Okafor" }))
            .Read<EnrollmentDto>(HttpStatusCode.Created);
        var screened = await (await Post(admin, $"/api/v1/enrollments/{referral.Id}/screen", referral.Version, new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Dr. Rivera, LCSW",
            recommendedOn = "2026-02-20",
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = false,
            diagnosisCodes = Array.Empty<string>(),
            expectedPositiveAnalytes = new[] { "buprenorphine" },
            ageGroup = "adult",
        })).Read<EnrollmentDto>();
        var admitted = await (await Post(admin, $"/api/v1/enrollments/{referral.Id}/admit", screened.Version, new { admissionDate = "2026-03-02" })).Read<EnrollmentDto>();
        return await (await Send(admin, HttpMethod.Put, $"/api/v1/enrollments/{referral.Id}/care-team", admitted.Version, new
        {
            primaryCounsellor = new { userId = counsellor, displayName = "Clinician One" },
            caseManager = new { userId = caseManager, displayName = $"Case manager {caseManager}" },
            supervisor = new { userId = supervisor, displayName = "Supervisor One" },
        })).Read<EnrollmentDto>();
    }

    /// <summary>The patient's consent to disclose these categories (default: enrollment) to one API client; returns its id.</summary>
    protected async Task<Guid> Consent(Guid patientId, Guid clientId, string purpose = "Care coordination with the patient's recovery app", params string[] categories) =>
        (await (await Host.Admin().PostJson($"/api/v1/patients/{patientId}/consents", new
        {
            disclosingParty = "Riverside Recovery Center IOP",
            informationCategories = categories.Length == 0 ? ["enrollment"] : categories,
            recipientApiClientIds = new[] { clientId },
            treatmentPaymentOperations = false,
            purpose,
            expiresOn = "2027-03-01",
            signedBy = "Dana Whitfield",
            signerRelationship = "patient",
            signedAt = "2026-03-01T15:00:00Z",
            revocationRightAcknowledged = true,
        })).Read<IdOnly>(HttpStatusCode.Created)).Id;

    protected async Task<List<SessionRef>> Sessions(Guid groupId) =>
        (await (await Host.Admin().GetAsync($"/api/v1/groups/{groupId}/sessions", Ct)).ReadItems<SessionRef>()).OrderBy(s => s.StartsAt).ToList();

    protected async Task Present(Guid sessionId, Guid enrollmentId, int minutes = 180) =>
        await (await Clinician().PostJson($"/api/v1/sessions/{sessionId}/attendance", new { enrollmentId, status = "present", minutes })).Read<IdOnly>(HttpStatusCode.Created);

    /// <summary>Runs Scheduling's missed-session job as Hangfire would.</summary>
    protected Task FlagMissedSessions() => Run(new IopPlatform.Scheduling.Contracts.FlagMissedSessionsCommand());

    protected async Task Run(IRequest<Unit> command)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, Ct);
    }

    /// <summary>
    /// Runs <paramref name="beforeStop"/> on a host of its own, stops that host, then runs <paramref name="afterRestart"/>
    /// on a new host on the same database whose clock starts <paramref name="pause"/> after the stop: what survives is
    /// only what the database holds.
    /// </summary>
    protected async Task AcrossRestart<TFirst, TSecond>(Func<TFirst, Task> beforeStop, TimeSpan pause, Func<TSecond, Task> afterRestart)
        where TFirst : AlertsApi, new()
        where TSecond : AlertsApi, new()
    {
        ArgumentNullException.ThrowIfNull(beforeStop);
        ArgumentNullException.ThrowIfNull(afterRestart);
        var first = new TFirst { KeepDatabase = true };
        var firstRunning = true;
        TSecond? second = null;
        try
        {
            await first.InitializeAsync();
            Host = first;
            await beforeStop(first);
            var stoppedAt = first.Clock.GetUtcNow();
            firstRunning = false;
            await first.DisposeAsync();

            second = new TSecond();
            second.UseExistingDatabase(first.ConnectionString, dropOnDispose: true);
            await second.InitializeAsync();
            second.Clock.SetUtcNow(stoppedAt + pause);
            Host = second;
            await afterRestart(second);
        }
        finally
        {
            Host = Api;
            if (firstRunning)
            {
                first.KeepDatabase = false;
                await first.DisposeAsync();
            }
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    protected static Task<HttpResponseMessage> Post(HttpClient client, string url, int? version, object? body = null) => Send(client, HttpMethod.Post, url, version, body);

    protected static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, int? version, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options);
        }
        return await client.SendAsync(request, Ct);
    }

    protected async Task<List<T>> Rows<T>(string sql, object? args = null)
    {
        await using var connection = await Host.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: Ct))).AsList();
    }

    protected async Task<long> Count(string sql, object? args = null)
    {
        await using var connection = await Host.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    public sealed record IdOnly(Guid Id);

    public sealed record SessionRef(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt);
}
