using System.Data.Common;
using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.ClinicalNotes.Tests;

public abstract class NotesTests<TApi>(TApi api) : NotesTest<TApi>(api)
    where TApi : NotesApi
{
    private static async Task<NoteDto> Draft(HttpClient author, Guid enrollmentId, Guid sessionId, Dictionary<string, string>? sections = null) =>
        await (await author.PostJson($"/api/v1/enrollments/{enrollmentId}/notes", new { kind = "individual", format = "birp", sessionId, sections = sections ?? Birp }))
            .Read<NoteDto>(HttpStatusCode.Created);

    [Fact]
    public async Task Each_format_requires_its_named_sections_and_nothing_changes_on_bad_input()
    {
        var s = await AttendedSession(("Ada", "Lovelace", "present"));
        var author = await Clinician("clin-formats");
        var url = $"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes";

        var noIntervention = new Dictionary<string, string>(Birp);
        noIntervention.Remove("intervention");
        var birp = await (await author.PostJson(url, new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = noIntervention })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("'intervention'", birp.FieldErrors("sections.intervention").Single(), StringComparison.Ordinal);

        var soap = await (await author.PostJson(url, new { kind = "individual", format = "soap", sessionId = s.Session.Id, sections = new { subjective = "s", objective = "o", assessment = " ", extra = "x" } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(soap.FieldErrors("sections.plan"));
        Assert.NotEmpty(soap.FieldErrors("sections.assessment"));
        Assert.NotEmpty(soap.FieldErrors("sections.extra"));

        var dap = await (await author.PostJson(url, new { kind = "individual", format = "dap", sessionId = s.Session.Id, sections = new { data = "d", assessment = "a" } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(dap.FieldErrors("sections.plan"));
        var girp = await (await author.PostJson(url, new { kind = "individual", format = "girp", sessionId = s.Session.Id, sections = new { intervention = "i", response = "r", plan = "p" } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(girp.FieldErrors("sections.goal"));
        var format = await (await author.PostJson(url, new { kind = "individual", format = "narrative", sessionId = s.Session.Id, sections = Birp })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(format.FieldErrors("format"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE enrollment_id = @EnrollmentId", new { s.Members[0].EnrollmentId }));

        var ok = await (await author.PostJson(url, new { kind = "individual", format = "dap", sessionId = s.Session.Id, sections = new { data = "d", assessment = "a", plan = "p" } })).Read<NoteDto>(HttpStatusCode.Created);
        Assert.Equal(("draft", false, "LCSW"), (ok.Status, ok.Locked, ok.Author.Credentials));
        Assert.Equal(s.Session.EndsAt.AddHours(72), ok.DueAt);
        Assert.Equal(new TimeOnly(18, 0), ok.StartTime);
    }

    [Fact]
    public async Task A_note_links_only_to_a_session_the_patient_attended()
    {
        var s = await AttendedSession(("Ada", "Present", "present"), ("Bea", "Absent", "absent_unexcused"));
        var author = await Clinician("clin-link");

        var absent = await (await author.PostJson($"/api/v1/enrollments/{s.Members[1].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp }))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("absent_unexcused", absent.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var missing = await (await author.PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = Guid.CreateVersion7(), sections = Birp }))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not exist", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var goal = await (await author.PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp, goalIds = new[] { Guid.CreateVersion7() } }))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not goals", goal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var noCredentials = await (await Api.ClientAs(Roles.Clinician, "clin-unknown").PostJson($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", new { kind = "individual", format = "birp", sessionId = s.Session.Id, sections = Birp }))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("credentials", noCredentials.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE session_id = @Id", new { s.Session.Id }));

        var note = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        Assert.Equal(s.Session.Id, note.SessionId);
        Assert.Equal(s.Members[0].PatientId, note.PatientId);
    }

    [Fact]
    public async Task A_revision_is_checked_against_the_note_format_after_access_and_before_the_version()
    {
        var s = await AttendedSession(("Ada", "Format", "present"));
        var author = await Clinician("clin-format");
        var note = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        var url = $"/api/v1/notes/{note.Id}";
        var incomplete = new Dictionary<string, string>(Birp);
        incomplete.Remove("response");
        incomplete["assessment"] = "Not a BIRP section.";

        // Someone else's note is a 403 whatever the body; the author's own gets the format's errors, even with a stale version.
        await (await Send(await Clinician("clin-format-other"), HttpMethod.Put, url, new { sections = incomplete }, 1)).Problem(HttpStatusCode.Forbidden);
        var bad = await (await Send(author, HttpMethod.Put, url, new { sections = incomplete }, 1)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("'response'", bad.FieldErrors("sections.response").Single(), StringComparison.Ordinal);
        Assert.Contains("no 'assessment' section", bad.FieldErrors("sections.assessment").Single(), StringComparison.Ordinal);
        await (await Send(author, HttpMethod.Put, url, new { sections = incomplete }, 7)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM clinical_notes_note WHERE id = @Id AND version = 1", new { note.Id }));

        // A signed note is locked: 409 before its sections are looked at.
        await (await Send(author, HttpMethod.Post, $"{url}/sign", null, 1)).Read<NoteDto>();
        await (await Send(author, HttpMethod.Put, url, new { sections = incomplete }, 2)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_signed_note_is_locked_by_the_api_and_by_the_database()
    {
        var s = await AttendedSession(("Ada", "Lock", "present"));
        var author = await Clinician("clin-lock");
        var note = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        var url = $"/api/v1/notes/{note.Id}";
        var revised = new Dictionary<string, string>(Birp) { ["response"] = "Revised response." };

        await (await Send(author, HttpMethod.Put, url, new { sections = revised })).Problem(HttpStatusCode.PreconditionRequired);
        await (await Send(await Clinician("clin-other"), HttpMethod.Put, url, new { sections = revised }, 1)).Problem(HttpStatusCode.Forbidden);
        var edited = await (await Send(author, HttpMethod.Put, url, new { sections = revised }, 1)).Read<NoteDto>();
        Assert.Equal(("Revised response.", 2), (edited.Sections["response"], edited.Version));
        await (await Send(author, HttpMethod.Put, url, new { sections = Birp }, 1)).Problem(HttpStatusCode.PreconditionFailed);

        await (await Send(await Clinician("clin-thief"), HttpMethod.Post, $"{url}/sign", null, 2)).Problem(HttpStatusCode.Forbidden);
        var signed = await (await Send(author, HttpMethod.Post, $"{url}/sign", null, 2)).Read<NoteDto>();
        Assert.Equal(("signed", true), (signed.Status, signed.Locked));
        Assert.Equal(Api.Clock.GetUtcNow(), signed.SignedAt);
        Assert.Single(Api.Published.Signatures, n => n.NoteId == note.Id && n.Status == "signed");
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM clinical_notes_outbox WHERE event_type = 'note.signed' AND aggregate_id = @Id", new { note.Id }));

        var conflict = await (await Send(author, HttpMethod.Put, url, new { sections = Birp }, 3)).Problem(HttpStatusCode.Conflict);
        Assert.Contains("locked", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await Send(author, HttpMethod.Post, $"{url}/sign", null, 3)).Problem(HttpStatusCode.Conflict);

        var before = await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id });
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET sections = 'tampered' WHERE id = @Id", new { note.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET status = 'draft', locked = @No WHERE id = @Id", new { note.Id, No = false }));
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("DELETE FROM clinical_notes_note WHERE id = @Id", new { note.Id }));
        Assert.Equal(before, await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id }));

        var other = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        Assert.Equal(1, await Execute("UPDATE clinical_notes_note SET updated_at = updated_at WHERE id = @Id", new { other.Id }));

        var history = await (await author.GetAsync($"{url}/signatures", Ct)).ReadItems<SignatureDto>();
        Assert.Equal(("signed", "clin-lock", "LCSW"), (history.Single().Action, history.Single().ActorId, history.Single().ActorCredentials));
    }

    [Fact]
    public async Task A_note_awaiting_cosignature_is_frozen_by_the_database_from_the_authors_signature()
    {
        var s = await AttendedSession(("Ida", "Frozen", "present"));
        var trainee = await Clinician("clin-frozen", requiresCosign: true, credentials: "CADC-T");
        var supervisor = await Clinician("sup-frozen", Roles.Supervisor, credentials: "LCSW-S");
        var note = await Draft(trainee, s.Members[0].EnrollmentId, s.Session.Id);
        var url = $"/api/v1/notes/{note.Id}";
        var pending = await (await Send(trainee, HttpMethod.Post, $"{url}/sign", null, 1)).Read<NoteDto>();
        Assert.Equal(("pending_cosign", false), (pending.Status, pending.Locked));
        var before = await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id });

        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET sections = 'tampered' WHERE id = @Id", new { note.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET status = 'draft' WHERE id = @Id", new { note.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET status = 'cosigned', author_name = 'Someone else' WHERE id = @Id", new { note.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("DELETE FROM clinical_notes_note WHERE id = @Id", new { note.Id }));
        Assert.Equal(before, await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id }));

        // The co-signature is the one change left, and it only adds to the note.
        var cosigned = await (await Send(supervisor, HttpMethod.Post, $"{url}/cosign", null, pending.Version)).Read<NoteDto>();
        Assert.Equal(("cosigned", true, "sup-frozen"), (cosigned.Status, cosigned.Locked, cosigned.CosignedBy));
        Assert.Equal(before, await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id }));
    }

    [Fact]
    public async Task Supervised_authors_wait_for_a_cosignature_or_a_return_with_comments()
    {
        var s = await AttendedSession(("Ada", "Cosign", "present"));
        var trainee = await Clinician("clin-trainee", requiresCosign: true, credentials: "CADC-T");
        var supervisor = await Clinician("sup-1", Roles.Supervisor, credentials: "LCSW-S");
        var note = await Draft(trainee, s.Members[0].EnrollmentId, s.Session.Id);
        var url = $"/api/v1/notes/{note.Id}";

        var pending = await (await Send(trainee, HttpMethod.Post, $"{url}/sign", null, 1)).Read<NoteDto>();
        Assert.Equal(("pending_cosign", false), (pending.Status, pending.Locked));
        await (await Send(trainee, HttpMethod.Put, url, new { sections = Birp }, 2)).Problem(HttpStatusCode.Conflict);
        await (await Send(trainee, HttpMethod.Post, $"{url}/cosign", null, 2)).Problem(HttpStatusCode.Forbidden);
        var noComment = await (await Send(supervisor, HttpMethod.Post, $"{url}/return", new { comments = "" }, 2)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(noComment.FieldErrors("comments"));

        var returned = await (await Send(supervisor, HttpMethod.Post, $"{url}/return", new { comments = "Add the craving score to behavior." }, 2)).Read<NoteDto>();
        Assert.Equal(("returned", "Add the craving score to behavior."), (returned.Status, returned.ReturnComments));
        var revised = await (await Send(trainee, HttpMethod.Put, url, new { sections = new Dictionary<string, string>(Birp) { ["behavior"] = "Cravings 3/10, engaged." } }, 3)).Read<NoteDto>();
        var resigned = await (await Send(trainee, HttpMethod.Post, $"{url}/sign", null, revised.Version)).Read<NoteDto>();
        Assert.Equal("pending_cosign", resigned.Status);

        var selfAuthored = await Draft(supervisor, s.Members[0].EnrollmentId, s.Session.Id);
        var selfSigned = await (await Send(supervisor, HttpMethod.Post, $"/api/v1/notes/{selfAuthored.Id}/sign", null, 1)).Read<NoteDto>();
        await (await Send(supervisor, HttpMethod.Post, $"/api/v1/notes/{selfAuthored.Id}/cosign", null, selfSigned.Version)).Problem(HttpStatusCode.Forbidden);

        var cosigned = await (await Send(supervisor, HttpMethod.Post, $"{url}/cosign", null, resigned.Version)).Read<NoteDto>();
        Assert.Equal(("cosigned", true, "sup-1"), (cosigned.Status, cosigned.Locked, cosigned.CosignedBy));
        await (await Send(supervisor, HttpMethod.Post, $"{url}/cosign", null, cosigned.Version)).Problem(HttpStatusCode.Conflict);
        await Assert.ThrowsAnyAsync<DbException>(() => Execute("UPDATE clinical_notes_note SET return_comments = 'x' WHERE id = @Id", new { note.Id }));

        var history = await (await supervisor.GetAsync($"{url}/signatures", Ct)).ReadItems<SignatureDto>();
        Assert.Equal(["submitted_for_cosign", "returned", "submitted_for_cosign", "cosigned"], history.Select(h => h.Action));
        Assert.Equal("Add the craving score to behavior.", history[1].Comments);
        Assert.Equal("LCSW-S", history[3].ActorCredentials);
    }

    [Fact]
    public async Task Entries_on_a_locked_note_need_a_reason_are_never_backdated_and_leave_the_original_intact()
    {
        var s = await AttendedSession(("Ada", "Addendum", "present"));
        var author = await Clinician("clin-add");
        var note = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        var entries = $"/api/v1/notes/{note.Id}/entries";
        await (await author.PostJson(entries, new { kind = "addendum", reason = "Forgot", text = "x" })).Problem(HttpStatusCode.Conflict);
        await (await Send(author, HttpMethod.Post, $"/api/v1/notes/{note.Id}/sign", null, 1)).Read<NoteDto>();
        var original = await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id });

        var noReason = await (await author.PostJson(entries, new { kind = "addendum", reason = " ", text = "Patient called after group." })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(noReason.FieldErrors("reason"));
        var future = await (await author.PostJson(entries, new { kind = "late_entry", reason = "Phone call not documented", text = "Called patient.", occurredAt = Api.Clock.GetUtcNow().AddHours(1) })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("future", future.FieldErrors("occurredAt").Single(), StringComparison.Ordinal);
        var backdated = await (await author.PostJson(entries, new { kind = "addendum", reason = "r", text = "t", occurredAt = Api.Clock.GetUtcNow().AddDays(-1) })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(backdated.FieldErrors("occurredAt"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM clinical_notes_entry WHERE note_id = @Id", new { note.Id }));

        MoveTo(Api.Clock.GetUtcNow().AddMinutes(30));
        var other = await Clinician("clin-add-2", credentials: "LPC");
        var withAddendum = await (await other.PostJson(entries, new { kind = "addendum", reason = "Information received after signing", text = "Patient called after group to report a lapse." })).Read<NoteDto>(HttpStatusCode.Created);
        var late = await (await author.PostJson(entries, new { kind = "late_entry", reason = "Phone call not documented", text = "Called patient.", occurredAt = s.Session.EndsAt.AddMinutes(30) })).Read<NoteDto>(HttpStatusCode.Created);
        var inError = await (await author.PostJson(entries, new { kind = "entered_in_error", reason = "Wrong patient", text = "This note belongs to another patient." })).Read<NoteDto>(HttpStatusCode.Created);
        await (await author.PostJson(entries, new { kind = "entered_in_error", reason = "Again", text = "x" })).Problem(HttpStatusCode.Conflict);

        var addendum = withAddendum.Entries.Single();
        Assert.Equal(("addendum", "clin-add-2", "LPC", Api.Clock.GetUtcNow()), (addendum.Kind, addendum.Author.Id, addendum.Author.Credentials, addendum.EnteredAt));
        Assert.Equal(s.Session.EndsAt.AddMinutes(30), late.Entries.Single(e => e.Kind == "late_entry").OccurredAt);
        Assert.True(inError.EnteredInError);
        Assert.Equal(3, inError.Entries.Count);
        Assert.Equal(original, await Scalar<string>("SELECT sections FROM clinical_notes_note WHERE id = @Id", new { note.Id }));
        Assert.Equal(2, await Scalar<int>("SELECT version FROM clinical_notes_note WHERE id = @Id", new { note.Id }));
        Assert.Equal(3, Api.Published.Addended.Count(a => a.NoteId == note.Id));
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM clinical_notes_outbox WHERE event_type = 'note.addended' AND aggregate_id = @Id", new { note.Id }));
    }

    [Fact]
    public async Task Case_managers_read_notes_and_partners_only_signed_notes_under_a_consent()
    {
        var s = await AttendedSession(("Ada", "Partner", "present"));
        var author = await Clinician("clin-partner");
        var draft = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        var signed = await Draft(author, s.Members[0].EnrollmentId, s.Session.Id);
        await (await Send(author, HttpMethod.Post, $"/api/v1/notes/{signed.Id}/sign", null, 1)).Read<NoteDto>();
        var partner = await Api.PartnerClientAsync();

        Assert.Equal(2, (await (await Api.ClientAs(Roles.CaseManager).GetAsync($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", Ct)).Read<JsonElement>()).GetProperty("items").GetArrayLength());
        await (await partner.Http.GetAsync($"/api/v1/notes/{signed.Id}", Ct)).Problem(HttpStatusCode.NotFound);
        await (await partner.Http.GetAsync($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", Ct)).Problem(HttpStatusCode.NotFound);

        await (await Admin.PostJson($"/api/v1/patients/{s.Members[0].PatientId}/consents", new
        {
            disclosingParty = "Riverside Recovery Center IOP",
            informationCategories = new[] { "clinical_note" },
            recipientApiClientIds = new[] { partner.ClientId },
            treatmentPaymentOperations = false,
            purpose = "Care coordination",
            expiresOn = "2027-03-01",
            signedBy = "Ada Partner",
            signerRelationship = "patient",
            signedAt = "2026-03-01T15:00:00Z",
            revocationRightAcknowledged = true,
        })).Read<JsonElement>(HttpStatusCode.Created);

        var readResponse = await partner.Http.GetAsync($"/api/v1/notes/{signed.Id}", Ct);
        var read = await readResponse.Read<NoteDto>();
        Assert.Equal(signed.Id, read.Id);
        await (await partner.Http.GetAsync($"/api/v1/notes/{draft.Id}", Ct)).Problem(HttpStatusCode.NotFound);
        var listResponse = await partner.Http.GetAsync($"/api/v1/enrollments/{s.Members[0].EnrollmentId}/notes", Ct);
        var list = await listResponse.Read<JsonElement>();
        Assert.Equal([signed.Id], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        // Both reads disclosed a note: each carries the §2.32 notice and consent scope and is one accounting entry naming it.
        foreach (var response in new[] { readResponse, listResponse })
        {
            Assert.Equal("42 CFR part 2 prohibits unauthorized use or disclosure of these records.", Assert.Single(response.Headers.GetValues("X-Redisclosure-Notice")));
            Assert.Contains("information: clinical_note", Assert.Single(response.Headers.GetValues("X-Consent-Scope")), StringComparison.Ordinal);
        }
        var accounting = (await (await Admin.GetAsync($"/api/v1/patients/{s.Members[0].PatientId}/disclosures", Ct)).Read<JsonElement>()).GetProperty("items");
        Assert.Equal(2, accounting.GetArrayLength());
        Assert.All(accounting.EnumerateArray(), e =>
        {
            Assert.Equal("clinical_note", e.GetProperty("category").GetString());
            Assert.Equal("Care coordination", e.GetProperty("purpose").GetString());
            Assert.Equal($"note/{signed.Id}", Assert.Single(e.GetProperty("records").EnumerateArray()).GetString());
        });
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.GetAsync($"/api/v1/notes/{signed.Id}/signatures", Ct)).StatusCode);
        await Api.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        Assert.True(await Count("SELECT COUNT(*) FROM platform_audit_event WHERE data_category = 'clinical_note' AND patient_id = @PatientId", new { s.Members[0].PatientId }) >= 3);
    }
}

public sealed class NotesSqliteTests(NotesSqliteApi api) : NotesTests<NotesSqliteApi>(api), IClassFixture<NotesSqliteApi>;

public sealed class NotesPostgresTests(NotesPostgresApi api) : NotesTests<NotesPostgresApi>(api), IClassFixture<NotesPostgresApi>;

public sealed class NotesSqlServerTests(NotesSqlServerApi api) : NotesTests<NotesSqlServerApi>(api), IClassFixture<NotesSqlServerApi>;
