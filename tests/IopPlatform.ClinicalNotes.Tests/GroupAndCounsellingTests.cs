using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.ClinicalNotes.Features.Counselling;
using IopPlatform.ClinicalNotes.Features.GroupNotes;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.ClinicalNotes.Tests;

public abstract class GroupAndCounsellingTests<TApi>(TApi api) : NotesTest<TApi>(api)
    where TApi : NotesApi
{
    private static Dictionary<string, string> Section(string behavior) => new(Birp) { ["behavior"] = behavior };

    [Fact]
    public async Task Group_note_is_filed_by_attendance_and_warns_about_names_but_not_ordinary_words()
    {
        var s = await AttendedSession(("Hope", "Marlowe", "present"), ("Dana", "Whitfield", "late"), ("Chris", "Absent", "absent_unexcused"));
        var outsider = await AttendedSession(("Zed", "Outside", "present"));
        var author = await Clinician("clin-group");
        var shared = new { topic = "Relapse triggers and hope for recovery", modality = "CBT", facilitators = new[] { "J. Rivera, LCSW" }, durationMinutes = 180 };

        var bad = await (await author.PostJson("/api/v1/group-notes", new
        {
            sessionId = s.Session.Id,
            format = "birp",
            shared,
            members = new object[]
            {
                new { enrollmentId = s.Members[0].EnrollmentId, sections = Birp },
                new { enrollmentId = s.Members[1].EnrollmentId },
                new { enrollmentId = s.Members[2].EnrollmentId, sections = Birp },
                new { enrollmentId = outsider.Members[0].EnrollmentId, sections = Birp },
            },
        })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("members[1].sections"));
        Assert.Contains("absent", bad.FieldErrors("members[2].sections").Single(), StringComparison.Ordinal);
        Assert.Contains("roster", bad.FieldErrors("members[3].enrollmentId").Single(), StringComparison.Ordinal);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_group_note WHERE session_id = @Id", new { s.Session.Id }));

        var clean = await (await author.PostJson("/api/v1/group-notes", new
        {
            sessionId = s.Session.Id,
            format = "birp",
            shared,
            members = new object[]
            {
                new { enrollmentId = s.Members[0].EnrollmentId, sections = Section("Shared that hope keeps her going; engaged throughout.") },
                new { enrollmentId = s.Members[1].EnrollmentId, sections = Section("Arrived 20 minutes late, quiet.") },
                new { enrollmentId = s.Members[2].EnrollmentId },
            },
        })).Read<GroupNoteDto>(HttpStatusCode.Created);
        Assert.Empty(clean.Warnings);
        var filed = clean.Members.ToDictionary(m => m.EnrollmentId);
        Assert.False(filed[s.Members[0].EnrollmentId].NoShow);
        Assert.False(filed[s.Members[1].EnrollmentId].NoShow);
        Assert.True(filed[s.Members[2].EnrollmentId].NoShow);
        Assert.Null(filed[s.Members[2].EnrollmentId].NoteId);
        Assert.Equal("absent_unexcused", filed[s.Members[2].EnrollmentId].AttendanceStatus);
        var hopeNote = await (await author.GetAsync($"/api/v1/notes/{filed[s.Members[0].EnrollmentId].NoteId}", Ct)).Read<NoteDto>();
        Assert.Equal(("group", s.Members[0].PatientId, clean.Id), (hopeNote.Kind, hopeNote.PatientId, hopeNote.GroupNoteId));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE enrollment_id = @EnrollmentId", new { s.Members[2].EnrollmentId }));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE group_note_id = @Id", new { clean.Id }));

        var leaky = await (await author.PostJson("/api/v1/group-notes", new
        {
            sessionId = s.Session.Id,
            format = "birp",
            shared = shared with { topic = "Dana led a discussion on triggers" },
            members = new object[]
            {
                new { enrollmentId = s.Members[0].EnrollmentId, sections = Section($"Responded to Whitfield's story; see {s.Members[2].Mrn.ToLowerInvariant()}.") },
                new { enrollmentId = s.Members[1].EnrollmentId, sections = Section("Dana spoke about her week.") },
                new { enrollmentId = s.Members[2].EnrollmentId },
            },
        })).Read<GroupNoteDto>(HttpStatusCode.Created);
        Assert.Contains(leaky.Warnings, w => w.Field == "shared.topic" && w.MentionedEnrollmentId == s.Members[1].EnrollmentId && w.Match == "name");
        Assert.Contains(leaky.Warnings, w => w.Field == "members[0].sections.behavior" && w.MentionedEnrollmentId == s.Members[1].EnrollmentId);
        Assert.Contains(leaky.Warnings, w => w.Field == "members[0].sections.behavior" && w.MentionedEnrollmentId == s.Members[2].EnrollmentId && w.Match == "identifier");
        Assert.DoesNotContain(leaky.Warnings, w => w.Field.StartsWith("members[1]", StringComparison.Ordinal));
        Assert.Equal(3, leaky.Warnings.Count);
        Assert.DoesNotContain("Whitfield", JsonSerializer.Serialize(leaky.Warnings), StringComparison.Ordinal);

        var read = await (await author.GetAsync($"/api/v1/group-notes/{clean.Id}", Ct)).Read<GroupNoteDto>();
        Assert.Equal(3, read.Members.Count);
        Assert.Equal("CBT", read.Shared.Modality);
    }

    [Fact]
    public async Task Counselling_notes_are_readable_only_by_their_author_and_authorised_clinicians()
    {
        var s = await AttendedSession(("Ada", "Counsel", "present"));
        var author = await Clinician("clin-counsel");
        var colleague = await Clinician("clin-colleague");
        var supervisor = await Clinician("sup-counsel", Roles.Supervisor);
        var caseManager = Api.ClientAs(Roles.CaseManager, "cm-1");
        var partner = await Api.PartnerClientAsync();
        var clinicalPartner = await Api.PartnerClientAsync(Roles.Clinician);
        var enrollment = s.Members[0].EnrollmentId;

        var note = await (await author.PostJson($"/api/v1/enrollments/{enrollment}/counselling-notes", new { serviceDate = "2026-03-02", text = "Processed childhood trauma; private." }))
            .Read<CounsellingNoteDto>(HttpStatusCode.Created);
        var url = $"/api/v1/counselling-notes/{note.Id}";

        Assert.Equal(note.Text, (await (await author.GetAsync(url, Ct)).Read<CounsellingNoteDto>()).Text);
        await (await colleague.GetAsync(url, Ct)).Problem(HttpStatusCode.NotFound);
        await (await supervisor.GetAsync(url, Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseManager.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.GetAsync(url, Ct)).StatusCode);
        await (await clinicalPartner.Http.GetAsync(url, Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Empty(await (await colleague.GetAsync($"/api/v1/enrollments/{enrollment}/counselling-notes", Ct)).ReadItems<CounsellingNoteDto>());
        await (await colleague.PostJson($"{url}/access", new { clinicianId = "clin-colleague" })).Problem(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await author.PostJson($"{url}/access", new { clinicianId = "clin-colleague" })).StatusCode);
        Assert.Equal(note.Id, (await (await colleague.GetAsync(url, Ct)).Read<CounsellingNoteDto>()).Id);
        Assert.Single(await (await colleague.GetAsync($"/api/v1/enrollments/{enrollment}/counselling-notes", Ct)).ReadItems<CounsellingNoteDto>());
        await (await colleague.PostJson($"{url}/access", new { clinicianId = "sup-counsel" })).Problem(HttpStatusCode.Forbidden);
        await (await supervisor.GetAsync(url, Ct)).Problem(HttpStatusCode.NotFound);

        var progress = await (await caseManager.GetAsync($"/api/v1/enrollments/{enrollment}/notes", Ct)).Read<JsonElement>();
        Assert.Equal(0, progress.GetProperty("items").GetArrayLength());
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE enrollment_id = @enrollment", new { enrollment }));
    }
}

public sealed class GroupAndCounsellingSqliteTests(NotesSqliteApi api) : GroupAndCounsellingTests<NotesSqliteApi>(api), IClassFixture<NotesSqliteApi>;

public sealed class GroupAndCounsellingPostgresTests(NotesPostgresApi api) : GroupAndCounsellingTests<NotesPostgresApi>(api), IClassFixture<NotesPostgresApi>;

public sealed class GroupAndCounsellingSqlServerTests(NotesSqlServerApi api) : GroupAndCounsellingTests<NotesSqlServerApi>(api), IClassFixture<NotesSqlServerApi>;
