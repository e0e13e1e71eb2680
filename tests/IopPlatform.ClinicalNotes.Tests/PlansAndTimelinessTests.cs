using System.Net;
using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.ClinicalNotes.Features.TreatmentPlans;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.ClinicalNotes.Tests;

public abstract class PlansAndTimelinessTests<TApi>(TApi api) : NotesTest<TApi>(api)
    where TApi : NotesApi
{
    private static object Goal(string category, string target = "4 negative screens in a row") => new
    {
        problem = "Alcohol use disorder, moderate",
        category,
        description = "Stay sober",
        measurableTarget = target,
        objectives = new[] { "Attend 3 groups a week" },
        interventions = new[] { "CBT relapse prevention" },
    };

    [Fact]
    public async Task Treatment_plan_goals_carry_category_status_history_and_feed_outcomes()
    {
        var s = await AttendedSession(("Ada", "Plan", "present"));
        var author = await Clinician("clin-plan");
        var enrollment = s.Members[0].EnrollmentId;
        var url = $"/api/v1/enrollments/{enrollment}/treatment-plan";

        var bad = await (await author.PostJson(url, new { problems = Array.Empty<string>(), goals = new[] { Goal("hobbies", "") } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("problems"));
        Assert.NotEmpty(bad.FieldErrors("goals[0].category"));
        Assert.NotEmpty(bad.FieldErrors("goals[0].measurableTarget"));

        var plan = await (await author.PostJson(url, new { problems = new[] { "Alcohol use disorder" }, goals = new[] { Goal("substance_use"), Goal("aftercare", "Weekly outpatient booked before discharge") } }))
            .Read<TreatmentPlanDto>(HttpStatusCode.Created);
        Assert.Equal(2, plan.Goals.Count);
        Assert.All(plan.Goals, g => Assert.Equal("in_progress", g.Status));
        Assert.False(plan.CompletedLate);
        Assert.Equal(plan.CreatedAt.AddDays(30), plan.NextReviewAt);
        Assert.NotNull(plan.DueAt);
        await (await author.PostJson(url, new { problems = new[] { "x" }, goals = new[] { Goal("substance_use") } })).Problem(HttpStatusCode.Conflict);

        var aftercare = plan.Goals.Single(g => g.Category == "aftercare");
        var statusUrl = $"/api/v1/goals/{aftercare.Id}/status";
        await (await Send(author, HttpMethod.Put, statusUrl, new { status = "done" }, 1)).Problem(HttpStatusCode.BadRequest);
        await (await Send(author, HttpMethod.Put, statusUrl, new { status = "achieved" })).Problem(HttpStatusCode.PreconditionRequired);
        var improving = await (await Send(author, HttpMethod.Put, statusUrl, new { status = "improving", comment = "Intake booked" }, 1)).Read<GoalDto>();
        var achieved = await (await Send(author, HttpMethod.Put, statusUrl, new { status = "achieved" }, improving.Version)).Read<GoalDto>();
        await (await Send(author, HttpMethod.Put, statusUrl, new { status = "sustaining" }, 1)).Problem(HttpStatusCode.PreconditionFailed);
        var history = await (await author.GetAsync($"/api/v1/goals/{aftercare.Id}/history", Ct)).ReadItems<GoalStatusChangeDto>();
        Assert.Equal(["in_progress", "improving", "achieved"], history.Select(h => h.Status));

        var statuses = await Ask(new GetGoalStatusesQuery(enrollment));
        Assert.Equal(("aftercare", "achieved"), statuses.Where(g => g.GoalId == aftercare.Id).Select(g => (g.Category, g.Status)).Single());
        Assert.Equal(achieved.StatusChangedAt, statuses.Single(g => g.GoalId == aftercare.Id).StatusChangedAt);

        var note = await (await author.PostJson($"/api/v1/enrollments/{enrollment}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp, goalIds = new[] { aftercare.Id } }))
            .Read<NoteDto>(HttpStatusCode.Created);
        Assert.Equal([aftercare.Id], note.GoalIds);

        var reviewed = await (await Send(author, HttpMethod.Post, $"/api/v1/treatment-plans/{plan.Id}/reviews", new { summary = "On track" }, plan.Version)).Read<TreatmentPlanDto>(HttpStatusCode.Created);
        Assert.Equal(Api.Clock.GetUtcNow(), reviewed.LastReviewedAt);
        Assert.Equal("clin-plan", reviewed.Reviews.Single().ReviewedBy);
        Assert.Equal(HttpStatusCode.OK, (await Api.ClientAs(Roles.CaseManager).GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Api.PartnerClientAsync()).Http.GetAsync(url, Ct)).StatusCode);
    }

    [Fact]
    public async Task Relapse_prevention_plan_is_written_reviewed_and_reported_to_outcomes()
    {
        var s = await AttendedSession(("Ada", "Relapse", "present"));
        var author = await Clinician("clin-rpp");
        var enrollment = s.Members[0].EnrollmentId;
        var url = $"/api/v1/enrollments/{enrollment}/relapse-prevention-plan";
        Assert.False((await Ask(new GetRelapsePreventionPlanQuery(enrollment))).Exists);
        var body = new
        {
            triggers = new[] { "Payday", "Old friends" },
            warningSigns = new[] { "Skipping meetings" },
            copingStrategies = new[] { "Call sponsor", "Urge surfing" },
            supportContacts = new[] { new { name = "Sponsor Sam", relationship = "sponsor", phone = "+1 312 555 0199" } },
            lapsePlan = "Call sponsor within the hour; come to the next group; tell the counsellor.",
        };

        var missing = await (await Send(author, HttpMethod.Put, url, body with { lapsePlan = "" })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(missing.FieldErrors("lapsePlan"));
        var created = await (await Send(author, HttpMethod.Put, url, body)).Read<RelapsePreventionPlanDto>();
        Assert.Equal(1, created.Version);
        await (await Send(author, HttpMethod.Put, url, body)).Problem(HttpStatusCode.PreconditionRequired);
        MoveTo(Api.Clock.GetUtcNow().AddDays(7));
        var updated = await (await Send(author, HttpMethod.Put, url, body with { triggers = ["Payday"] }, 1)).Read<RelapsePreventionPlanDto>();
        Assert.Equal((2, Api.Clock.GetUtcNow()), (updated.Version, updated.ReviewedAt));

        var status = await Ask(new GetRelapsePreventionPlanQuery(enrollment));
        Assert.True(status.Exists);
        Assert.Equal(Api.Clock.GetUtcNow(), status.ReviewedAt);
    }

    [Fact]
    public async Task Overdue_detection_is_exact_at_the_window_and_the_job_flags_each_note_once()
    {
        var s = await AttendedSession(("Ada", "Late", "present"), ("Bo", "Timely", "present"));
        var author = await Clinician("clin-late");
        var supervisor = await Clinician("sup-late", Roles.Supervisor);
        var late = await (await author.PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp })).Read<NoteDto>(HttpStatusCode.Created);
        var timely = await (await author.PostJson($"/api/v1/enrollments/{s.Members[1].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp })).Read<NoteDto>(HttpStatusCode.Created);
        Assert.Equal(s.Session.EndsAt.AddHours(72), late.DueAt);

        MoveTo(late.DueAt.AddMinutes(-1));
        await (await Send(author, HttpMethod.Post, $"/api/v1/notes/{timely.Id}/sign", null, 1)).Read<NoteDto>();
        Assert.Empty(await (await author.GetAsync("/api/v1/notes/overdue", Ct)).ReadItems<OverdueNoteDto>());
        await Ask(new FlagOverdueNotesCommand());
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_overdue_flag WHERE note_id = @Id", new { late.Id }));

        MoveTo(late.DueAt.AddMinutes(1));
        var overdue = await (await author.GetAsync("/api/v1/notes/overdue", Ct)).ReadItems<OverdueNoteDto>();
        Assert.Equal([late.Id], overdue.Select(o => o.NoteId));
        Assert.Equal([late.Id], (await (await supervisor.GetAsync("/api/v1/notes/overdue?authorId=clin-late", Ct)).ReadItems<OverdueNoteDto>()).Select(o => o.NoteId));
        await (await (await Clinician("clin-nosy")).GetAsync("/api/v1/notes/overdue?authorId=clin-late", Ct)).Problem(HttpStatusCode.Forbidden);

        await Ask(new FlagOverdueNotesCommand());
        await Ask(new FlagOverdueNotesCommand());
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM clinical_notes_overdue_flag WHERE note_id = @Id", new { late.Id }));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_overdue_flag WHERE note_id = @Id", new { timely.Id }));
        Assert.Single(Api.Published.Overdue, o => o.NoteId == late.Id);
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM clinical_notes_outbox WHERE event_type = 'note.overdue' AND aggregate_id = @Id", new { late.Id }));
    }

    // Co-signature deadline: ClinicalNotes:CosignDueHours, default 72 h after the author's signature (issue 18 item 8;
    // the same 72 h default as the author's own window, DOMAIN §5 "default 72 hours; jurisdictions use 24 h to 7 days").
    // Boundary: one minute before the deadline is on time, one minute after is overdue (overdue means now > due).
    [Theory]
    [InlineData(-1, false)]
    [InlineData(1, true)]
    public async Task A_note_pending_cosignature_gets_its_own_deadline_and_overdue_flag(int minutesFromDeadline, bool overdue)
    {
        var s = await AttendedSession(("Ada", "Cosign" + minutesFromDeadline, "present"));
        var trainee = await Clinician($"clin-cs{minutesFromDeadline + 5}", requiresCosign: true, credentials: "CADC-T");
        var supervisor = await Clinician($"sup-cs{minutesFromDeadline + 5}", Roles.Supervisor);
        var note = await (await trainee.PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp })).Read<NoteDto>(HttpStatusCode.Created);
        var pending = await (await Send(trainee, HttpMethod.Post, $"/api/v1/notes/{note.Id}/sign", null, 1)).Read<NoteDto>();
        Assert.Equal("pending_cosign", pending.Status);
        Assert.Equal(pending.SignedAt!.Value.AddHours(72), pending.CosignDueAt);

        // Past the author's own deadline too: the signature is there, so it is never overdue as unsigned.
        MoveTo(new[] { pending.DueAt, pending.CosignDueAt!.Value }.Max().AddMinutes(minutesFromDeadline));
        var listed = await (await supervisor.GetAsync($"/api/v1/notes/overdue?authorId={pending.Author.Id}&limit=200", Ct)).ReadItems<OverdueNoteDto>();
        Assert.DoesNotContain(listed, o => o.NoteId == note.Id && o.Overdue == "signature");
        if (overdue)
        {
            var entry = Assert.Single(listed, o => o.NoteId == note.Id);
            Assert.Equal(("cosignature", pending.CosignDueAt!.Value), (entry.Overdue, entry.DueAt));
        }
        else
        {
            Assert.DoesNotContain(listed, o => o.NoteId == note.Id);
        }
    }

    // A note that documents no session is due NoteDueHours (72 h, DOMAIN §5) after its service end, read as wall-clock
    // time at the program's site (America/Chicago here: CST = UTC-6 in January, CDT = UTC-5 in July, IANA tz database).
    [Theory]
    [InlineData("2026-01-15", "20:00:00", "2026-01-19T02:00:00+00:00")]
    [InlineData("2026-07-15", "20:00:00", "2026-07-19T01:00:00+00:00")]
    [InlineData("2026-11-01", "00:30:00", "2026-11-04T05:30:00+00:00")]
    public async Task A_note_without_a_session_is_due_from_the_sites_local_service_end(string serviceDate, string endTime, string dueAtUtc)
    {
        var s = await AttendedSession(("Ada", "NoSession", "present"));
        var author = await Clinician("clin-nosession");
        var note = await (await author.PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new
        {
            kind = "family",
            format = "birp",
            sections = Birp,
            serviceDate,
            startTime = "00:00:00",
            endTime,
        })).Read<NoteDto>(HttpStatusCode.Created);
        Assert.Equal(DateTimeOffset.Parse(dueAtUtc, System.Globalization.CultureInfo.InvariantCulture), note.DueAt);
    }
}

public sealed class PlansAndTimelinessSqliteTests(NotesSqliteApi api) : PlansAndTimelinessTests<NotesSqliteApi>(api), IClassFixture<NotesSqliteApi>;

public sealed class PlansAndTimelinessPostgresTests(NotesPostgresApi api) : PlansAndTimelinessTests<NotesPostgresApi>(api), IClassFixture<NotesPostgresApi>;

public sealed class PlansAndTimelinessSqlServerTests(NotesSqlServerApi api) : PlansAndTimelinessTests<NotesSqlServerApi>(api), IClassFixture<NotesSqlServerApi>;
