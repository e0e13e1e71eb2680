using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Engagement.Contracts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Engagement.Features.RulePacks;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// A program's rule pack is Engagement's: read and replaced with If-Match, every version kept and audited, bounds
/// enforced and shown in the OpenAPI document; a proposed pack can be backtested over the recorded history, and the
/// backtest counts what the drift job itself raises walking the same days.
/// </summary>
public abstract class RulePackTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    private sealed class AuditRow
    {
        public string ActorId { get; init; } = string.Empty;

        public string Outcome { get; init; } = string.Empty;

        public string? ResourceId { get; init; }

        public Guid? PatientId { get; init; }
    }

    private sealed class JobEvent
    {
        public Guid EnrollmentId { get; init; }

        public string Kind { get; init; } = string.Empty;

        public string Rule { get; init; } = string.Empty;

        public string? Severity { get; init; }

        public DateTimeOffset At { get; init; }
    }

    [Fact]
    public async Task Rule_pack_is_replaced_with_If_Match_versioned_audited_and_applied_by_the_drift_job()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var url = $"/api/v1/programs/{programId}/rule-pack";

        var read = await Supervisor().GetAsync(url, Ct);
        Assert.Equal("\"0\"", read.Headers.ETag?.Tag);
        var defaults = await read.Read<RulePackDto>();
        Assert.Equal((0, true), (defaults.Version, defaults.IsDefault));
        Assert.Equal(DriftRulePack.Default, defaults.RulePack);

        var tuned = DriftRulePack.Default with { ConsecutiveMissed = new ConsecutiveMissedRule { Amber = 3, Red = 4 } };
        await (await Send(Supervisor(), HttpMethod.Put, url, null, tuned)).Problem(HttpStatusCode.PreconditionRequired);
        var put = await Send(Supervisor(), HttpMethod.Put, url, 0, tuned);
        Assert.Equal("\"1\"", put.Headers.ETag?.Tag);
        var stored = await put.Read<RulePackDto>();
        Assert.Equal((1, false, "sup-1"), (stored.Version, stored.IsDefault, stored.ChangedBy));
        Assert.Equal(tuned, stored.RulePack);

        // A writer who read version 0 too is refused and changes nothing.
        await (await Send(Host.Admin(), HttpMethod.Put, url, 0, DriftRulePack.Default)).Problem(HttpStatusCode.PreconditionFailed);
        var second = await (await Send(Host.Admin(), HttpMethod.Put, url, 1, tuned with { NoRecentAttendance = new NoRecentAttendanceRule { Sessions = 6 } })).Read<RulePackDto>();
        Assert.Equal(2, second.Version);
        var versions = await (await CaseManager("cm-a").GetAsync(url + "/versions", Ct)).ReadItems<RulePackDto>();
        Assert.Equal([(2, "admin-tests"), (1, "sup-1")], versions.Select(v => (v.Version, v.ChangedBy!)));
        Assert.Equal(tuned, versions[1].RulePack);

        // The drift rules read the pack in force.
        var enrollment = await ActiveEnrollment(programId, "Dana", "cm-a");
        var evaluation = await (await Clinician().GetAsync($"/api/v1/enrollments/{enrollment.Id}/drift-evaluation", Ct)).Read<JsonElement>();
        var rules = evaluation.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("rule").GetString()!);
        Assert.Equal(3, rules[DriftRuleCodes.ConsecutiveMissed].GetProperty("inputs").GetProperty("amberAt").GetInt32());
        Assert.Equal(6, rules[DriftRuleCodes.NoRecentAttendance].GetProperty("inputs").GetProperty("sessions").GetInt32());

        await Host.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        var audit = await Rows<AuditRow>(
            "SELECT actor_id AS ActorId, outcome, resource_id AS ResourceId, patient_id AS PatientId FROM platform_audit_event WHERE data_category = 'rule_pack' AND action = 'update' AND (resource_id LIKE @Program OR resource = @Route) ORDER BY sequence",
            new { Program = $"program/{programId}/rule-pack/%", Route = "PUT /api/v1/programs/{programId:guid}/rule-pack" });
        Assert.Contains(audit, a => a is { ActorId: "sup-1", Outcome: "success" } && a.ResourceId == $"program/{programId}/rule-pack/1");
        Assert.Contains(audit, a => a is { ActorId: "admin-tests", Outcome: "success" } && a.ResourceId == $"program/{programId}/rule-pack/2");
    }

    [Fact]
    public async Task Thresholds_out_of_bounds_are_400_naming_the_field_and_the_document_shows_the_bounds()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var url = $"/api/v1/programs/{programId}/rule-pack";
        var bad = DriftRulePack.Default with
        {
            NoShowOutreach = new NoShowOutreachRule { DueWithinHours = 169 },
            AttendanceRatio = new AttendanceRatioRule { MinimumRatio = 75m },
            ConsecutiveMissed = new ConsecutiveMissedRule { Amber = 3, Red = 2 },
        };
        var problem = await (await Send(Supervisor(), HttpMethod.Put, url, 0, bad)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("noShowOutreach.dueWithinHours"));
        Assert.NotEmpty(problem.FieldErrors("attendanceRatio.minimumRatio"));
        Assert.NotEmpty(problem.FieldErrors("consecutiveMissed.red"));
        Assert.Equal(0, (await (await Supervisor().GetAsync(url, Ct)).Read<RulePackDto>()).Version);
        var backtest = await (await Supervisor().PostJson(url + "/backtest", new { rulePack = bad })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(backtest.FieldErrors("rulePack.noShowOutreach.dueWithinHours"));

        var doc = await (await Host.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<JsonElement>();
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var due = schemas.GetProperty(nameof(NoShowOutreachRule)).GetProperty("properties").GetProperty("dueWithinHours");
        Assert.Equal((1, 168), (due.GetProperty("minimum").GetInt32(), due.GetProperty("maximum").GetInt32()));
        var window = schemas.GetProperty(nameof(AttendanceRatioRule)).GetProperty("properties").GetProperty("windowDays");
        Assert.Equal((7, 42), (window.GetProperty("minimum").GetInt32(), window.GetProperty("maximum").GetInt32()));
    }

    [Fact]
    public async Task Case_managers_read_the_pack_but_only_supervisors_and_admins_change_or_backtest_it_and_partners_reach_none()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var url = $"/api/v1/programs/{programId}/rule-pack";
        Assert.Equal(HttpStatusCode.OK, (await CaseManager("cm-a").GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(CaseManager("cm-a"), HttpMethod.Put, url, 0, DriftRulePack.Default)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(Clinician(), HttpMethod.Put, url, 0, DriftRulePack.Default)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CaseManager("cm-a").PostJson(url + "/backtest", new { rulePack = DriftRulePack.Default })).StatusCode);
        var partner = await Host.PartnerClientAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.PostAsync(url + "/backtest", System.Net.Http.Json.JsonContent.Create(new { rulePack = DriftRulePack.Default }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Supervisor().GetAsync($"/api/v1/programs/{Guid.CreateVersion7()}/rule-pack", Ct)).StatusCode);
    }

    /// <summary>
    /// Four patients with known attendance over three weeks, the real drift job run every evening at the site's drift
    /// time; then the backtest of the same pack over the same days must name the same alerts, severity raises, returns
    /// and flags, for the same enrollments on the same days (so per rule and per week too), and write nothing.
    /// </summary>
    [Fact]
    public async Task Backtest_counts_what_the_drift_job_raised_walking_the_same_days()
    {
        var (programId, groupId) = await ProgramWithDailyGroup();
        var pack = DriftRulePack.Default with { AttendanceRatio = new AttendanceRatioRule { WindowDays = 14 } };
        await (await Send(Supervisor(), HttpMethod.Put, $"/api/v1/programs/{programId}/rule-pack", 0, pack)).Read<RulePackDto>();
        var patterns = new Dictionary<string, (string Pattern, int Minutes)>
        {
            ["Steady"] = ("PPPPUPPPPPPPPPPPPPPPP", 180),
            ["Drifting"] = ("PPPPPUUUUUPPPPPPUUPPP", 180),
            ["Intermittent"] = ("PUPUPUUPPUPUUPPPUPUPU", 180),
            ["Short"] = ("PPPPPPPPPPPPPPPPPPPPP", 60),
        };
        var enrollments = new Dictionary<string, Guid>();
        foreach (var name in patterns.Keys)
        {
            enrollments[name] = (await ActiveEnrollment(programId, name, "cm-a")).Id;
        }
        var sessions = (await Sessions(groupId)).Take(21).ToList();
        var days = sessions.Select(s => DriftRules.LocalDate(s.StartsAt, Chicago)).ToList();
        Assert.Equal(new DateOnly(2026, 3, 2), days[0]);

        for (var i = 0; i < sessions.Count; i++)
        {
            Api.Clock.SetUtcNow(sessions[i].EndsAt.AddMinutes(30));
            foreach (var (name, (pattern, minutes)) in patterns)
            {
                var present = pattern[i] == 'P';
                await (await Clinician().PostJson($"/api/v1/sessions/{sessions[i].Id}/attendance",
                    new { enrollmentId = enrollments[name], status = present ? "present" : "absent_unexcused", minutes = present ? minutes : 0 })).Read<IdOnly>(HttpStatusCode.Created);
            }
            Api.Clock.SetUtcNow(Evening(days[i]));
            await Run(new RunDueDriftScansCommand());
        }

        var job = await JobEvents(programId);
        var alertsBefore = await Count("SELECT COUNT(*) FROM engagement_alert WHERE program_id = @programId", new { programId });
        var historyBefore = await Count("SELECT COUNT(*) FROM engagement_alert_history");
        var flagsBefore = await Count("SELECT COUNT(*) FROM engagement_clinical_flag WHERE program_id = @programId", new { programId });

        var result = await (await Supervisor().PostJson($"/api/v1/programs/{programId}/rule-pack/backtest", new { rulePack = pack })).Read<RulePackBacktestDto>();

        Assert.Equal(days[^1], result.To);
        Assert.Equal(days[^1].AddDays(-83), result.From);
        Assert.Equal(4 * 21, result.EnrollmentDays);
        var replayed = result.Enrollments.SelectMany(e => e.Events.Select(v => (e.EnrollmentId, v.Day, v.Kind, v.Rule, v.Severity))).Order().ToList();
        var walked = job.Select(j => (j.EnrollmentId, DriftRules.LocalDate(j.At, Chicago), j.Kind, j.Rule, j.Severity)).Order().ToList();
        Assert.Equal(walked, replayed);

        // The same per rule and per week, and the walk was not trivial: every kind of output happened.
        Assert.Equal(walked.GroupBy(w => w.Rule).ToDictionary(g => g.Key, g => g.Count()).OrderBy(k => k.Key),
            result.ByRule.ToDictionary(r => r.Rule, r => Total(r.Counts)).OrderBy(k => k.Key));
        Assert.Equal(walked.GroupBy(w => BacktestReplay.WeekStart(w.Item2)).ToDictionary(g => g.Key, g => g.Count()).OrderBy(k => k.Key),
            result.ByWeek.Where(w => Total(w.Counts) > 0).ToDictionary(w => w.WeekStart, w => Total(w.Counts)).OrderBy(k => k.Key));
        Assert.True(result.Totals is { Info: > 0, Amber: > 0, SeverityRaises: > 0, Flags: > 0, ResolvedByReturn: > 0 }, JsonSerializer.Serialize(result.Totals));
        Assert.DoesNotContain(result.Enrollments, e => e.EnrollmentId == enrollments["Steady"] && e.Counts.Amber + e.Counts.Red > 0);
        Assert.Contains(result.ByRule, r => r.Rule == DriftRuleCodes.BelowIntensity && r.Counts.Flags == 1);

        // Nothing written but the audit entry, one per patient whose attendance was read.
        Assert.Equal(alertsBefore, await Count("SELECT COUNT(*) FROM engagement_alert WHERE program_id = @programId", new { programId }));
        Assert.Equal(historyBefore, await Count("SELECT COUNT(*) FROM engagement_alert_history"));
        Assert.Equal(flagsBefore, await Count("SELECT COUNT(*) FROM engagement_clinical_flag WHERE program_id = @programId", new { programId }));
        await Host.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        var audited = await Rows<AuditRow>(
            "SELECT actor_id AS ActorId, outcome, resource_id AS ResourceId, patient_id AS PatientId FROM platform_audit_event WHERE data_category = 'attendance' AND action = 'read' AND resource = @Route",
            new { Route = "POST /api/v1/programs/{programId:guid}/rule-pack/backtest" });
        var drifting = await (await Host.Admin().GetAsync($"/api/v1/enrollments/{enrollments["Drifting"]}", Ct)).Read<JsonElement>();
        Assert.Contains(audited, a => a.ActorId == "sup-1" && a.PatientId == drifting.GetProperty("patientId").GetGuid());

        // A period that is not over yet, reversed or too long is refused.
        var url = $"/api/v1/programs/{programId}/rule-pack/backtest";
        Assert.NotEmpty((await (await Supervisor().PostJson(url, new { rulePack = pack, to = days[^1].AddDays(1) })).Problem(HttpStatusCode.BadRequest)).FieldErrors("to"));
        Assert.NotEmpty((await (await Supervisor().PostJson(url, new { rulePack = pack, from = days[^1], to = days[0] })).Problem(HttpStatusCode.BadRequest)).FieldErrors("to"));
        Assert.NotEmpty((await (await Supervisor().PostJson(url, new { rulePack = pack, from = days[^1].AddDays(-200) })).Problem(HttpStatusCode.BadRequest)).FieldErrors("from"));
    }

    private static int Total(BacktestCountsDto c) => c.Info + c.Amber + c.Red + c.SeverityRaises + c.Flags + c.ResolvedByReturn;

    private static DateTimeOffset Evening(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(23, 30)), Chicago), TimeSpan.Zero);

    /// <summary>What the drift job (and the no-show reaction) did to the program's alerts and flags, as the backtest names it.</summary>
    private async Task<List<JobEvent>> JobEvents(Guid programId)
    {
        var alerts = await Rows<JobEvent>("""
            SELECT a.enrollment_id AS EnrollmentId,
                   CASE WHEN h.action = 'raised' THEN 'alert_raised' WHEN h.action = 'severity_raised' THEN 'severity_raised' ELSE 'resolved_by_return' END AS Kind,
                   a.rule_code AS Rule, h.severity AS Severity, h.at AS At
            FROM engagement_alert a JOIN engagement_alert_history h ON h.alert_id = a.id
            WHERE a.program_id = @programId AND (h.action IN ('raised', 'severity_raised') OR (h.action = 'resolved' AND h.detail = 'resolved_by_return'))
            """, new { programId });
        var flags = await Rows<JobEvent>(
            "SELECT enrollment_id AS EnrollmentId, 'flag_raised' AS Kind, rule_code AS Rule, NULL AS Severity, raised_at AS At FROM engagement_clinical_flag WHERE program_id = @programId",
            new { programId });
        return [.. alerts, .. flags];
    }
}

public sealed class RulePackSqliteTests(AlertsSqliteApi api) : RulePackTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class RulePackPostgresTests(AlertsPostgresApi api) : RulePackTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class RulePackSqlServerTests(AlertsSqlServerApi api) : RulePackTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
