using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Audit;

public abstract class AuditTrailTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : AuditApi
{
    private const string Address = "198.51.100.20";

    private AuditTrailWriter Writer => Api.Services.GetRequiredService<AuditTrailWriter>();

    [Fact]
    public async Task Patient_read_records_who_which_patient_what_why_and_from_where()
    {
        var patient = Guid.CreateVersion7();
        var subject = Subject();
        var now = Api.Clock.GetUtcNow();

        var error = await Run(new TestPatientRead(patient, [], ResourceId: "note-42"), subject, Roles.Clinician, purpose: "Payment");

        Assert.Null(error);
        var row = Assert.Single(await Rows("patient_id = @patient", new { patient }));
        Assert.Equal(subject, row.ActorId);
        Assert.Equal("user", row.ActorType);
        Assert.Equal("Dr Audit", row.ActorName);
        Assert.Equal(Roles.Clinician, row.Roles);
        Assert.Equal("demographics", row.DataCategory);
        Assert.Equal("read", row.Action);
        Assert.Equal(nameof(TestPatientRead), row.Resource);
        Assert.Equal("note-42", row.ResourceId);
        Assert.Equal(AuditOutcomes.Success, row.Outcome);
        Assert.Equal(200, row.StatusCode);
        Assert.Equal("payment", row.Purpose);
        Assert.Equal(Address, row.ClientAddress);
        Assert.False(row.BreakGlass);
        Assert.Null(row.BreakGlassReason);
        Assert.Equal(now, row.OccurredAt);
        Assert.Equal(AuditHash.Compute(row, row.PreviousHash), row.Hash);
        var previous = await Rows("sequence = @s", new { s = row.Sequence - 1 });
        Assert.Equal(previous.Count == 0 ? AuditHash.Genesis : previous[0].Hash, row.PreviousHash);
    }

    [Fact]
    public async Task One_entry_per_touched_patient_and_one_without_patient_when_none()
    {
        var named = Guid.CreateVersion7();
        var found = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        var subject = Subject();

        await Run(new TestPatientRead(named, [named, .. found]), subject);
        await Run(new TestPatientRead(null, []), subject);

        var rows = await Rows("actor_id = @subject", new { subject });
        Assert.Equal(4, rows.Count);
        Assert.Equal(new Guid?[] { named, found[0], found[1], null }.Order(), rows.Select(r => r.PatientId).Order());
        Assert.All(rows, r => Assert.Equal(AuditOutcomes.Success, r.Outcome));
    }

    [Fact]
    public async Task Refused_and_failed_requests_are_recorded_with_their_outcome()
    {
        var subject = Subject();
        var refused = Guid.CreateVersion7();
        var missing = Guid.CreateVersion7();
        var crashed = Guid.CreateVersion7();

        Assert.NotNull(await Run(new TestPatientRead(refused, [], Fail: "forbidden"), subject));
        Assert.NotNull(await Run(new TestPatientRead(missing, [], Fail: "not_found"), subject));
        Assert.IsType<InvalidOperationException>(await Run(new TestPatientRead(crashed, [], Fail: "crash"), subject));

        var rows = (await Rows("actor_id = @subject", new { subject })).ToDictionary(r => r.PatientId!.Value);
        Assert.Equal((AuditOutcomes.Denied, 403), (rows[refused].Outcome, rows[refused].StatusCode));
        Assert.Equal((AuditOutcomes.Failed, 404), (rows[missing].Outcome, rows[missing].StatusCode));
        Assert.Equal((AuditOutcomes.Failed, 500), (rows[crashed].Outcome, rows[crashed].StatusCode));
    }

    [Fact]
    public async Task Break_the_glass_is_flagged_with_its_reason()
    {
        var patient = Guid.CreateVersion7();

        await Run(new TestPatientRead(patient, [], BreakGlassReason: "Unconscious patient in ER, overdose suspected"), Subject());

        var row = Assert.Single(await Rows("patient_id = @patient", new { patient }));
        Assert.True(row.BreakGlass);
        Assert.Equal("Unconscious patient in ER, overdose suspected", row.BreakGlassReason);
    }

    [Fact]
    public async Task Requests_that_are_not_patient_data_leave_no_entry()
    {
        var before = await Count();

        using (var scope = Api.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new TestUnauditedPing(), Ct);
        }

        Assert.Equal(before, await Count());
    }

    [Fact]
    public async Task Search_over_http_is_itself_audited_with_route_template_purpose_and_address()
    {
        var patient = Guid.CreateVersion7();
        await Run(new TestPatientRead(patient, []), Subject());

        var context = await Api.Server.SendAsync(
            c =>
            {
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = "/api/v1/audit-events";
                c.Request.QueryString = new QueryString($"?patientId={patient}");
                c.Request.Headers.Authorization = "Bearer " + TestTokens.Create("auditor-1", "Ada Auditor", Roles.Admin);
                c.Request.Headers[HttpCurrentCaller.PurposeHeader] = "Operations";
                c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            },
            Ct);

        Assert.Equal(200, context.Response.StatusCode);
        var page = await JsonSerializer.DeserializeAsync<CursorPage<AuditEvent>>(context.Response.Body, HttpJson.Options, Ct);
        var read = Assert.Single(page!.Items);
        Assert.Equal("demographics", read.DataCategory);

        var rows = await Rows("patient_id = @patient AND data_category = @category", new { patient, category = AuditEndpoints.Category });
        var search = Assert.Single(rows);
        Assert.Equal("auditor-1", search.ActorId);
        Assert.Equal("Ada Auditor", search.ActorName);
        Assert.Equal(Roles.Admin, search.Roles);
        Assert.Equal("search", search.Action);
        Assert.Equal("GET /api/v1/audit-events", search.Resource);
        Assert.Equal("operations", search.Purpose);
        Assert.Equal("203.0.113.7", search.ClientAddress);
        Assert.Equal(AuditOutcomes.Success, search.Outcome);
        Assert.False(string.IsNullOrEmpty(search.TraceId));
    }

    [Fact]
    public async Task Search_pages_newest_first_and_filters_by_actor_and_time()
    {
        var subject = Subject();
        var patients = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            patients.Add(Guid.CreateVersion7());
            await Run(new TestPatientRead(patients[^1], []), subject);
            Api.Clock.Advance(TimeSpan.FromMinutes(10));
        }
        await Writer.FlushAsync(Ct);
        var admin = Api.Admin();

        var seen = new List<AuditEvent>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/audit-events?actorId={subject}&limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await (await admin.GetAsync(url, Ct)).Read<CursorPage<AuditEvent>>();
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(patients).Select(p => (Guid?)p), seen.Select(e => e.PatientId));
        Assert.True(seen.Select(e => e.Sequence).SequenceEqual(seen.Select(e => e.Sequence).OrderDescending()));

        var first = seen[^1].OccurredAt;
        var from = Uri.EscapeDataString(first.AddMinutes(10).ToString("O"));
        var to = Uri.EscapeDataString(first.AddMinutes(30).ToString("O"));
        var window = await (await admin.GetAsync($"/api/v1/audit-events?actorId={subject}&from={from}&to={to}", Ct)).Read<CursorPage<AuditEvent>>();
        Assert.Equal(new Guid?[] { patients[2], patients[1] }, window.Items.Select(e => e.PatientId));
    }

    [Fact]
    public async Task Bad_search_parameters_are_400_and_recorded_as_failed()
    {
        var admin = Api.Admin();
        var failedBefore = (await Rows("data_category = 'audit_log' AND status_code = 400", new { })).Count;
        await (await admin.GetAsync("/api/v1/audit-events?limit=0", Ct)).Problem(HttpStatusCode.BadRequest);
        var cursor = await (await admin.GetAsync("/api/v1/audit-events?cursor=nonsense!", Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(cursor.FieldErrors("cursor"));
        var range = await (await admin.GetAsync("/api/v1/audit-events?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z", Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(range.FieldErrors("to"));
        var failed = (await Rows("data_category = 'audit_log' AND status_code = 400", new { })).Skip(failedBefore).ToList();
        Assert.Equal(3, failed.Count);
        Assert.All(failed, r => Assert.Equal((AuditOutcomes.Failed, "admin-tests"), (r.Outcome, r.ActorId)));
    }

    [Fact]
    public async Task Stopping_the_writer_drains_what_is_queued()
    {
        // A second writer over the same database, as another instance would run it; stopped without a flush.
        var writer = new AuditTrailWriter(Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditTrailWriter>.Instance);
        using var service = new AuditTrailWriterService(
            writer,
            Api.Services.GetRequiredService<AuditChainStore>(),
            Api.Services.GetRequiredService<AuditCheckpoints>(),
            Api.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AuditTrailWriterService>>());
        await service.StartAsync(Ct);
        var actor = Subject();
        for (var i = 0; i < 30; i++)
        {
            writer.Enqueue(new AuditEvent
            {
                Id = Guid.CreateVersion7(),
                OccurredAt = ApiFactory.Start,
                ActorId = actor,
                ActorType = "system",
                DataCategory = "attendance",
                Action = "update",
                Resource = "shutdown",
                Outcome = AuditOutcomes.Success,
                StatusCode = 200,
                Purpose = "operations",
            });
        }

        await service.StopAsync(Ct);

        Assert.Equal(30, (await Rows("actor_id = @actor", new { actor })).Count);
    }

    [Fact]
    public async Task Only_admins_may_read_or_verify_the_trail()
    {
        foreach (var role in new[] { Roles.Clinician, Roles.Supervisor, Roles.CaseManager, Roles.Partner })
        {
            var client = Api.ClientAs(role);
            await (await client.GetAsync("/api/v1/audit-events", Ct)).Problem(HttpStatusCode.Forbidden);
            await (await client.PostAsync("/api/v1/audit-events/verify", null, Ct)).Problem(HttpStatusCode.Forbidden);
        }
        await (await Api.Anonymous().GetAsync("/api/v1/audit-events", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Verify_reports_an_intact_chain_and_is_audited()
    {
        await Run(new TestPatientRead(Guid.CreateVersion7(), [Guid.CreateVersion7()]), Subject());
        await Writer.FlushAsync(Ct);
        var stored = await Count();

        var result = await (await Api.Admin().PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();

        Assert.True(result.Verified, result.Reason);
        Assert.Equal(stored, result.CheckedRows);
        Assert.Null(result.FirstBrokenSequence);
        Assert.Null(result.FirstBrokenId);
        var verify = Assert.Single(await Rows("action = 'verify' AND sequence > @stored", new { stored }));
        Assert.Equal(AuditEndpoints.Category, verify.DataCategory);
        Assert.Equal("POST /api/v1/audit-events/verify", verify.Resource);
        Assert.Null(verify.PatientId);
    }

    [Fact]
    public async Task Update_delete_and_truncate_are_refused_by_the_database()
    {
        var patient = Guid.CreateVersion7();
        await Run(new TestPatientRead(patient, []), Subject());
        var row = Assert.Single(await Rows("patient_id = @patient", new { patient }));

        await using var connection = await Open();
        var update = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("UPDATE platform_audit_event SET action = 'export' WHERE id = @Id", new { row.Id }));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM platform_audit_event WHERE id = @Id", new { row.Id }));
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        var deleteAll = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM platform_audit_event"));
        Assert.Contains("append-only", deleteAll.Message, StringComparison.Ordinal);
        if (Api.Engine == DatabaseEngine.Postgres)
        {
            var truncate = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("TRUNCATE platform_audit_event"));
            Assert.Contains("append-only", truncate.Message, StringComparison.Ordinal);
        }

        var after = Assert.Single(await Rows("id = @Id", new { row.Id }));
        Assert.Equal(row, after);
    }

    [Fact]
    public async Task Entries_enqueued_from_200_parallel_requests_form_one_contiguous_verified_chain()
    {
        var subject = Subject();
        await Writer.FlushAsync(Ct);
        var before = await Count();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => Run(new TestPatientRead(Guid.CreateVersion7(), []), subject, flush: false), Ct)));
        await Writer.FlushAsync(Ct);

        var rows = await Rows("actor_id = @subject", new { subject });
        Assert.Equal(200, rows.Count);
        Assert.Equal(before + 200, await Count());
        var all = await Rows("1 = 1", new { });
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(r => r.Sequence));
        var result = await Api.Services.GetRequiredService<AuditChainStore>().VerifyAsync(Ct);
        Assert.True(result.Verified, result.Reason);
        Assert.Equal(all.Count, result.CheckedRows);
    }

    [Fact]
    public async Task Writers_of_several_instances_appending_at_once_take_turns_on_the_chain()
    {
        // Each AppendAsync is what one API instance's writer does with a batch: its own connection and transaction.
        var store = Api.Services.GetRequiredService<AuditChainStore>();
        var actor = Subject();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(instance => Task.Run(() => store.AppendAsync(
            Enumerable.Range(0, 25).Select(i => new AuditEvent
            {
                Id = Guid.CreateVersion7(),
                OccurredAt = ApiFactory.Start,
                ActorId = actor,
                ActorType = "system",
                Roles = string.Empty,
                DataCategory = "enrollment",
                Action = "read",
                Resource = $"instance-{instance}",
                Outcome = AuditOutcomes.Success,
                StatusCode = 200,
                Purpose = "operations",
            }).ToList(),
            Ct), Ct)));

        var rows = await Rows("actor_id = @actor", new { actor });
        Assert.Equal(200, rows.Count);
        // A batch is one transaction under the lock, so its 25 entries stay consecutive.
        Assert.All(rows.GroupBy(r => r.Resource), g => Assert.Equal(24, g.Max(r => r.Sequence) - g.Min(r => r.Sequence)));
        var result = await store.VerifyAsync(Ct);
        Assert.True(result.Verified, result.Reason);
    }

    private static string Subject() => $"u-{Guid.NewGuid():N}"[..14];

    /// <summary>Sends through the real pipeline as a signed-in staff member of an HTTP request; returns the exception, if any.</summary>
    private async Task<Exception?> Run(TestPatientRead request, string subject, string role = Roles.Clinician, string purpose = "treatment", bool flush = true)
    {
        using var scope = Api.Services.CreateScope();
        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(CallerClaims.Subject, subject), new Claim(CallerClaims.Name, "Dr Audit"), new Claim(CallerClaims.Role, role)], "Test"));
        context.Request.Headers[HttpCurrentCaller.PurposeHeader] = purpose;
        context.Connection.RemoteIpAddress = IPAddress.Parse(Address);
        accessor.HttpContext = context;
        try
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, Ct);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
        finally
        {
            accessor.HttpContext = null;
            if (flush)
            {
                await Writer.FlushAsync(Ct);
            }
        }
    }

    private Task<DbConnection> Open() => Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);

    private async Task<long> Count()
    {
        await using var connection = await Open();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM platform_audit_event");
    }

    private async Task<List<AuditEvent>> Rows(string where, object parameters)
    {
        await Writer.FlushAsync(Ct);
        await using var connection = await Open();
        var rows = await connection.QueryAsync<AuditEvent>($"SELECT {AuditChainStore.SelectColumns} FROM platform_audit_event WHERE {where} ORDER BY sequence", parameters);
        return rows.AsList();
    }
}

public sealed class AuditTrailTestsOnSqlite(AuditSqliteApi api) : AuditTrailTests<AuditSqliteApi>(api), IClassFixture<AuditSqliteApi>;

public sealed class AuditTrailTestsOnPostgres(AuditPostgresApi api) : AuditTrailTests<AuditPostgresApi>(api), IClassFixture<AuditPostgresApi>;

public sealed class AuditTrailTestsOnSqlServer(AuditSqlServerApi api) : AuditTrailTests<AuditSqlServerApi>(api), IClassFixture<AuditSqlServerApi>;
