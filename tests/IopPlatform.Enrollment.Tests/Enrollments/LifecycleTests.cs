using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Enrollments;

public abstract class LifecycleTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Happy_path_keeps_every_change_in_the_history()
    {
        var staff = Api.ClientAs("clinician", "clin-1");
        var program = await Seed.Program(Api.Admin());
        var patient = await Seed.Patient(staff);

        var referral = await Seed.Referral(staff, patient.Id, program.Id);
        Assert.Equal(EnrollmentStatus.Referred, referral.Status);
        Assert.Equal(["screen", "cancel"], referral.AllowedTransitions);

        var screened = await (await Seed.Transition(staff, referral, "screen", Seed.EligibleScreening())).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Screened, screened.Status);
        Assert.Empty(screened.EligibilityFindings);
        Assert.Equal(9m, screened.RequiredHoursPerWeek);
        Assert.Equal(["F32.1", "F41.1"], screened.Screening.DiagnosisCodes);
        Assert.Equal(["buprenorphine"], screened.Screening.ExpectedPositiveAnalytes);

        var admitted = await (await Seed.Transition(staff, screened, "admit", new { admissionDate = "2026-03-02" })).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Active, admitted.Status);
        Assert.Equal(new DateOnly(2026, 3, 2), admitted.AdmissionDate);

        var held = await (await Seed.Transition(staff, admitted, "hold", new { reason = "Inpatient stay for surgery" })).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.OnHold, held.Status);
        var resumed = await (await Seed.Transition(staff, held, "resume")).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Active, resumed.Status);

        var discharge = await Seed.Transition(staff, resumed, "discharge", new { reason = "stepped_down", note = "To weekly outpatient" });
        var discharged = await discharge.Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Discharged, discharged.Status);
        Assert.Equal(DischargeReason.SteppedDown, discharged.DischargeReason);
        Assert.Equal(new DateOnly(2026, 3, 2), discharged.DischargeDate);
        Assert.Empty(discharged.AllowedTransitions);
        Assert.Equal($"\"{discharged.Version}\"", discharge.Headers.ETag?.Tag);

        Assert.Equal(
            [(null, EnrollmentStatus.Referred), (EnrollmentStatus.Referred, EnrollmentStatus.Screened), (EnrollmentStatus.Screened, EnrollmentStatus.Active),
             (EnrollmentStatus.Active, EnrollmentStatus.OnHold), (EnrollmentStatus.OnHold, EnrollmentStatus.Active), (EnrollmentStatus.Active, EnrollmentStatus.Discharged)],
            discharged.History.Select(h => (h.From, h.To)));
        Assert.All(discharged.History, h => Assert.Equal("clin-1", h.ChangedBy));
        Assert.Equal("Inpatient stay for surgery", discharged.History[3].Reason);
        Assert.Equal("stepped_down: To weekly outpatient", discharged.History[5].Reason);
    }

    [Fact]
    public async Task Invalid_transition_is_409_with_allowed_transitions_and_changes_nothing()
    {
        var staff = Api.ClientAs("case_manager");
        var program = await Seed.Program(Api.Admin());
        var referral = await Seed.Referral(staff, (await Seed.Patient(staff)).Id, program.Id);

        var problem = await (await Seed.Transition(staff, referral, "discharge", new { reason = "administrative" })).Problem(HttpStatusCode.Conflict);

        Assert.Equal(["screen", "cancel"], problem.GetProperty("allowedTransitions").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Cannot discharge an enrollment that is referred", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await (await staff.GetAsync($"/api/v1/enrollments/{referral.Id}", Ct)).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Referred, after.Status);
        Assert.Equal(referral.Version, after.Version);
        Assert.Single(after.History);
    }

    [Fact]
    public async Task Transitions_need_if_match_428_and_current_version_412()
    {
        var staff = Api.ClientAs("supervisor");
        var program = await Seed.Program(Api.Admin());
        var referral = await Seed.Referral(staff, (await Seed.Patient(staff)).Id, program.Id);

        await (await Seed.Transition(staff, referral.Id, null, "cancel", new { reason = "x" })).Problem(HttpStatusCode.PreconditionRequired);
        await (await Seed.Transition(staff, referral.Id, referral.Version + 1, "cancel", new { reason = "x" })).Problem(HttpStatusCode.PreconditionFailed);
        var cancelled = await (await Seed.Transition(staff, referral, "cancel", new { reason = "Patient declined" })).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task Referral_needing_detox_is_not_admitted_and_says_why()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var referral = await Seed.Referral(staff, (await Seed.Patient(staff)).Id, program.Id);
        var screened = await (await Seed.Transition(staff, referral, "screen", Seed.EligibleScreening(detox: "needed"))).Read<EnrollmentDto>();
        Assert.Equal("detox_pending", Assert.Single(screened.EligibilityFindings).Rule);

        var problem = await (await Seed.Transition(staff, screened, "admit")).Problem(HttpStatusCode.UnprocessableEntity);

        var reason = Assert.Single(problem.GetProperty("reasons").EnumerateArray());
        Assert.Equal("needs medically supervised detox first: not admitted until detox is completed", reason.GetProperty("explanation").GetString());
        var still = await (await staff.GetAsync($"/api/v1/enrollments/{screened.Id}", Ct)).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Screened, still.Status);

        // Detox completes: screening again (screened → screened) makes the referral admissible.
        var rescreened = await (await Seed.Transition(staff, still, "screen", Seed.EligibleScreening(detox: "completed", detoxCompletedOn: "2026-02-28"))).Read<EnrollmentDto>();
        var admitted = await (await Seed.Transition(staff, rescreened, "admit")).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Active, admitted.Status);
    }

    [Fact]
    public async Task Bad_screening_is_400_per_field()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var referral = await Seed.Referral(staff, (await Seed.Patient(staff)).Id, program.Id);

        var problem = await (await Seed.Transition(staff, referral, "screen", new
        {
            detoxStatus = "completed", recommendedBy = "Dr. X", recommendedOn = "2026-03-09", recommendedLevelOfCare = "asam-3:2.5", actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = true, diagnosisCodes = new[] { "F32.1", "U07.1", "f10" }, expectedPositiveAnalytes = new[] { "aspirin", "cannabinoids", "cannabis_thc" }, ageGroup = "adult",
        })).Problem(HttpStatusCode.BadRequest);

        Assert.Contains("required when detox is completed", Assert.Single(problem.FieldErrors("detoxCompletedOn")), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("recommendedOn"));
        Assert.NotEmpty(problem.FieldErrors("levelOfCareDifferenceReason"));
        Assert.Empty(problem.FieldErrors("diagnosisCodes[0]"));
        Assert.NotEmpty(problem.FieldErrors("diagnosisCodes[1]"));
        Assert.NotEmpty(problem.FieldErrors("diagnosisCodes[2]"));
        // One analyte vocabulary with the drug-test panel (issue 18 item 3): an unknown code is refused with the allowed
        // codes listed; the old screening name "cannabinoids" is pointed at the panel's "cannabis_thc", which is accepted.
        var unknown = Assert.Single(problem.FieldErrors("expectedPositiveAnalytes[0]"));
        Assert.Contains("allowed: alcohol, alcohol_etg, amphetamines", unknown, StringComparison.Ordinal);
        Assert.Contains("cannabis_thc", unknown, StringComparison.Ordinal);
        Assert.Contains("'cannabinoids' is now 'cannabis_thc'", Assert.Single(problem.FieldErrors("expectedPositiveAnalytes[1]")), StringComparison.Ordinal);
        Assert.Empty(problem.FieldErrors("expectedPositiveAnalytes[2]"));
    }

    [Fact]
    public async Task Admission_before_referral_is_422()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var referral = await Seed.Referral(staff, (await Seed.Patient(staff)).Id, program.Id);
        var screened = await (await Seed.Transition(staff, referral, "screen", Seed.EligibleScreening())).Read<EnrollmentDto>();

        var problem = await (await Seed.Transition(staff, screened, "admit", new { admissionDate = "2026-02-01" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("before the referral date", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_active_enrollment_per_patient_per_program()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var patient = await Seed.Patient(staff);
        var first = await Seed.ActiveEnrollment(staff, patient.Id, program.Id);
        var second = await Seed.Referral(staff, patient.Id, program.Id);
        var screened = await (await Seed.Transition(staff, second, "screen", Seed.EligibleScreening())).Read<EnrollmentDto>();

        var problem = await (await Seed.Transition(staff, screened, "admit")).Problem(HttpStatusCode.Conflict);
        Assert.Contains(first.Id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Once the first is discharged, the second may start.
        await (await Seed.Transition(staff, first, "discharge", new { reason = "transferred_higher_level" })).Read<EnrollmentDto>();
        var admitted = await (await Seed.Transition(staff, screened, "admit")).Read<EnrollmentDto>();
        Assert.Equal(EnrollmentStatus.Active, admitted.Status);
    }

    [Fact]
    public async Task Discharge_as_completed_needs_readiness_or_a_clinician_override()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var active = await Seed.ActiveEnrollment(staff, (await Seed.Patient(staff)).Id, program.Id);

        var problem = await (await Seed.Transition(staff, active, "discharge", new { reason = "completed" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("clinicianOverrideReason", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(problem.GetProperty("readinessReasons").EnumerateArray());

        var discharged = await (await Seed.Transition(staff, active, "discharge", new { reason = "completed", clinicianOverrideReason = "Met treatment-plan goals; BAM stable" })).Read<EnrollmentDto>();
        Assert.Equal(DischargeReason.Completed, discharged.DischargeReason);
        Assert.Equal("Met treatment-plan goals; BAM stable", discharged.ClinicianOverrideReason);
    }

    [Fact]
    public async Task Care_team_routes_to_the_case_manager_and_shows_in_the_caseload()
    {
        var staff = Api.ClientAs("supervisor");
        var program = await Seed.Program(Api.Admin());
        var patient = await Seed.Patient(staff);
        var active = await Seed.ActiveEnrollment(staff, patient.Id, program.Id);
        var body = new
        {
            primaryCounsellor = new { userId = "u-couns", displayName = "Chris Counsellor" },
            caseManager = new { userId = "u-cm-7", displayName = "Casey Manager" },
            supervisor = new { userId = "u-sup", displayName = "Sam Supervisor" },
        };

        await (await staff.PutAsJsonAsync($"/api/v1/enrollments/{active.Id}/care-team", body, HttpJson.Options, Ct)).Problem(HttpStatusCode.PreconditionRequired);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/enrollments/{active.Id}/care-team") { Content = JsonContent.Create(body, options: HttpJson.Options) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{active.Version}\""));
        var updated = await (await staff.SendAsync(request, Ct)).Read<EnrollmentDto>();
        Assert.Equal("u-cm-7", updated.CareTeam.CaseManager?.UserId);
        Assert.Equal(active.Version + 1, updated.Version);

        await using var scope = Api.Services.CreateAsyncScope();
        var team = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetCareTeamQuery(active.Id), Ct);
        Assert.Equal("Sam Supervisor", team?.Supervisor?.DisplayName);

        var caseload = await (await staff.GetAsync("/api/v1/case-managers/u-cm-7/caseload", Ct)).Read<JsonElement>();
        var entry = Assert.Single(caseload.GetProperty("items").EnumerateArray());
        Assert.Equal(active.Id, entry.GetProperty("enrollmentId").GetGuid());
        Assert.Equal("active", entry.GetProperty("status").GetString());
        Assert.Equal(patient.Mrn, entry.GetProperty("patient").GetProperty("mrn").GetString());
    }

    [Fact]
    public async Task Contract_queries_answer_other_modules()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var active = await Seed.ActiveEnrollment(staff, (await Seed.Patient(staff)).Id, program.Id);
        await using var scope = Api.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();

        var summary = await mediator.Send(new GetEnrollmentSummaryQuery(active.Id), Ct);
        Assert.Equal(EnrollmentStatus.Active, summary?.Status);
        Assert.Equal(9m, summary?.RequiredHoursPerWeek);
        Assert.Equal(["buprenorphine"], summary?.ExpectedPositiveAnalytes);

        var page = await mediator.Send(new GetActiveEnrollmentsQuery(program.Id, null, 10), Ct);
        Assert.Equal(active.Id, Assert.Single(page).EnrollmentId);
    }

    [Fact]
    public async Task Partner_may_refer_a_patient_under_an_enrollment_consent_but_not_change_status()
    {
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var program = await Seed.Program(Api.Admin());
        var patient = await Seed.Patient(Api.ClientAs("clinician"));
        await (await partner.PostJson("/api/v1/enrollments", new { patientId = patient.Id, programId = program.Id, referralDate = "2026-02-16" })).Problem(HttpStatusCode.NotFound);
        await Api.GrantConsentAsync(patient.Id, partnerId, "enrollment");

        var referral = await Seed.Referral(partner, patient.Id, program.Id);

        Assert.NotNull(referral.ReferredBy.ApiClientId);
        Assert.Null(referral.ReferredBy.Clinician);
        Assert.Equal(HttpStatusCode.Forbidden, (await Seed.Transition(partner, referral, "cancel", new { reason = "x" })).StatusCode);
    }
}

public sealed class LifecycleTestsOnSqlite(SqliteApi api) : LifecycleTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class LifecycleTestsOnPostgres(PostgresApi api) : LifecycleTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class LifecycleTestsOnSqlServer(SqlServerApi api) : LifecycleTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
