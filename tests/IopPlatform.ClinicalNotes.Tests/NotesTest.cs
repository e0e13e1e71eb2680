using System.Net;
using System.Net.Http.Headers;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.ClinicalNotes.Tests;

/// <summary>One patient in a group session: the enrollment and the session (attendance recorded by the test).</summary>
public sealed record Member(Guid PatientId, Guid EnrollmentId, string GivenName, string FamilyName, string Mrn);

public sealed record GroupSession(Guid GroupId, SessionDto Session, IReadOnlyList<Member> Members);

/// <summary>
/// Shared steps: real records through the public API (site, program, patients, admissions, a group, bookings,
/// attendance), clinicians' credentials, SQL checks. The clock is shared by the class and only moves forward, so each
/// setup uses the next session after the current time.
/// </summary>
public abstract class NotesTest<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : NotesApi
{
    private static int _mrn;

    public static readonly string[] EveryDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static readonly Dictionary<string, string> Birp = new()
    {
        ["behavior"] = "Arrived on time, engaged, reported cravings 3/10.",
        ["intervention"] = "Reviewed trigger log; practised urge surfing (CBT).",
        ["response"] = "Identified two new triggers; demonstrated the skill.",
        ["plan"] = "Continue trigger log; attend three groups this week.",
    };

    protected HttpClient Admin => Api.Admin();

    /// <summary>A staff client whose credentials are on file.</summary>
    protected async Task<HttpClient> Clinician(string subject, string role = Roles.Clinician, bool requiresCosign = false, string credentials = "LCSW")
    {
        var response = await Admin.SendAsync(Json(HttpMethod.Put, $"/api/v1/clinicians/{subject}", new { displayName = $"Clin {subject}", credentials, requiresCosign }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Api.ClientAs(role, subject);
    }

    protected async Task<GroupSession> AttendedSession(params (string Given, string Family, string? Status)[] people)
    {
        var admin = Admin;
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Riverside", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Evening Adult IOP", levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Api.Clock.GetUtcNow(), zone).DateTime);
        var group = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = site.Id,
            name = "Evening recovery",
            track = "adult",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = EveryDay,
            startTime = "18:00:00",
            endTime = "21:00:00",
            firstDate = today,
        })).Read<IdOnly>(HttpStatusCode.Created);
        var members = new List<Member>();
        foreach (var (given, family, _) in people)
        {
            var mrn = $"MRN-{Interlocked.Increment(ref _mrn):D5}-{Guid.NewGuid():N}"[..20];
            var patient = await (await admin.PostJson("/api/v1/patients", PatientBody(mrn, given, family))).Read<PatientDto>(HttpStatusCode.Created);
            var enrollment = await ActiveEnrollment(admin, patient.Id, program.Id);
            await (await admin.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = enrollment })).Read<IdOnly>(HttpStatusCode.Created);
            members.Add(new Member(patient.Id, enrollment, given, family, mrn));
        }
        var sessions = await (await admin.GetAsync($"/api/v1/groups/{group.Id}/sessions", Ct)).ReadItems<SessionDto>();
        var session = sessions.OrderBy(s => s.StartsAt).First(s => s.StartsAt > Api.Clock.GetUtcNow().AddHours(1));
        MoveTo(session.EndsAt.AddMinutes(5));
        for (var i = 0; i < people.Length; i++)
        {
            if (people[i].Status is { } status)
            {
                var minutes = status == "late" ? 150 : (int?)null;
                await (await admin.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = members[i].EnrollmentId, status, minutes })).Read<IdOnly>(HttpStatusCode.Created);
            }
        }
        return new GroupSession(group.Id, session, members);
    }

    public sealed record IdOnly(Guid Id);

    private static object PatientBody(string mrn, string given, string family) => new
    {
        mrn,
        externalIds = Array.Empty<object>(),
        givenName = given,
        familyName = family,
        dateOfBirth = "1988-04-12",
        sexAtBirth = "female",
        contact = new { phone = "+1 312 555 0100" },
        preferredLanguage = "en",
    };

    private static async Task<Guid> ActiveEnrollment(HttpClient client, Guid patientId, Guid programId)
    {
        var referral = await (await client.PostJson("/api/v1/enrollments", new { patientId, programId, referralDate = "2026-02-16", referredByClinician = "Dr. Okafor" })).Read<EnrollmentDto>(HttpStatusCode.Created);
        var screened = await (await Transition(client, referral.Id, referral.Version, "screen", new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Dr. Rivera, LCSW",
            recommendedOn = "2026-02-20",
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = true,
            diagnosisCodes = new[] { "F10.20" },
            expectedPositiveAnalytes = Array.Empty<string>(),
            ageGroup = "adult",
        })).Read<EnrollmentDto>();
        var admitted = await (await Transition(client, screened.Id, screened.Version, "admit", new { admissionDate = "2026-03-02" })).Read<EnrollmentDto>();
        return admitted.Id;
    }

    private static Task<HttpResponseMessage> Transition(HttpClient client, Guid enrollmentId, int version, string action, object body) =>
        client.SendAsync(Json(HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/{action}", body, $"\"{version}\""), Ct);

    protected void MoveTo(DateTimeOffset instant)
    {
        if (instant > Api.Clock.GetUtcNow())
        {
            Api.Clock.SetUtcNow(instant);
        }
    }

    protected static HttpRequestMessage Json(HttpMethod method, string url, object? body, string? etag = null)
    {
        var message = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            message.Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options);
        }
        if (etag is not null)
        {
            message.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return message;
    }

    protected static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, object? body, int? version = null) =>
        client.SendAsync(Json(method, url, body, version is null ? null : $"\"{version}\""), Ct);

    protected async Task<long> Count(string sql, object? args = null)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    protected async Task<T?> Scalar<T>(string sql, object? args = null)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    protected async Task<int> Execute(string sql, object? args = null)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    protected async Task<T> Ask<T>(IRequest<T> request)
    {
        using var scope = Api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, Ct);
    }
}
