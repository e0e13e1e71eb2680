using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.Outcomes.Features.DrugTests;
using IopPlatform.Outcomes.Features.Measures;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.Outcomes.Features.Milestones;

/// <summary>
/// Computes the six milestones from this module's data, ClinicalNotes' goals and relapse-prevention plan and
/// Scheduling's family-session attendance, and records each one met for the first time (publishing
/// <see cref="MilestoneAchieved"/> once per milestone per enrollment, guarded by a unique key).
/// </summary>
internal sealed record EvaluateMilestonesQuery(Guid EnrollmentId) : IRequest<MilestonesDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Milestone;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class EvaluateMilestonesHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, TimeProvider clock, IAuditScope audit)
    : IRequestHandler<EvaluateMilestonesQuery, MilestonesDto>
{
    private const string Tests = $"""
        SELECT t.id, v.collected_at AS CollectedAt, v.overall_result AS Overall {DrugTestRow.FromCurrent} WHERE t.enrollment_id = @EnrollmentId
        """;

    private const string UseReports = """
        SELECT id, administered_at AS AdministeredAt, bam_use AS BamUse, last_use_on AS LastUseOn FROM outcomes_measure
        WHERE enrollment_id = @EnrollmentId AND instrument = @Bam AND bam_use >= 1
        """;

    private const string Scores = """
        SELECT id, instrument, administered_at AS AdministeredAt, total, flags FROM outcomes_measure
        WHERE enrollment_id = @EnrollmentId AND instrument IN (@Phq9, @Gad7, @Pcl5)
        """;

    private const string Activities = """
        SELECT id, activity_date AS "Date", kind FROM outcomes_support_activity WHERE enrollment_id = @EnrollmentId AND activity_date >= @First
        """;

    private const string Achieved = "SELECT milestone, achieved_at AS AchievedAt FROM outcomes_milestone_achieved WHERE enrollment_id = @EnrollmentId";

    private sealed class TestRow
    {
        public Guid Id { get; init; }

        public DateTimeOffset CollectedAt { get; init; }

        public string Overall { get; init; } = string.Empty;
    }

    private sealed class MeasureFactRow
    {
        public Guid Id { get; init; }

        public string Instrument { get; init; } = string.Empty;

        public DateTimeOffset AdministeredAt { get; init; }

        public int? Total { get; init; }

        public int? BamUse { get; init; }

        public string? Flags { get; init; }

        public DateOnly? LastUseOn { get; init; }
    }

    private sealed class CheckRow
    {
        public Guid Id { get; init; }

        public DateTimeOffset CheckedAt { get; init; }

        public string Housing { get; init; } = string.Empty;

        public bool SubstanceFreeIncome { get; init; }
    }

    private sealed class ActivityRow
    {
        public Guid Id { get; init; }

        public DateOnly Date { get; init; }

        public string Kind { get; init; } = string.Empty;
    }

    private sealed class AchievedRow
    {
        public string Milestone { get; init; } = string.Empty;

        public DateTimeOffset AchievedAt { get; init; }
    }

    public async Task<MilestonesDto> Handle(EvaluateMilestonesQuery request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // Ask the other modules before opening anything here: on SQLite their connections would wait on our write lock.
        var external = await GatherExternalAsync(profile.EnrollmentId, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        var results = await EvaluateAsync(connection, profile, external, now, today, cancellationToken);

        var newlyAchieved = new List<MilestoneAchieved>();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var insert = dialect.InsertIgnoreDuplicate("outcomes_milestone_achieved", ["enrollment_id", "milestone", "patient_id", "achieved_at"], ["enrollment_id", "milestone"]);
            foreach (var met in results.Where(r => r.Met))
            {
                var achieved = new MilestoneAchieved(profile.EnrollmentId, profile.PatientId, met.Code, now);
                var inserted = await connection.ExecuteAsync(new CommandDefinition(insert, achieved, transaction, cancellationToken: cancellationToken));
                if (inserted == 1)
                {
                    await OutcomesOutbox.WriteAsync(connection, transaction, OutcomesOutbox.MilestoneAchieved, profile.EnrollmentId, achieved, now, cancellationToken);
                    newlyAchieved.Add(achieved);
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        var firstAchieved = (await connection.QueryAsync<AchievedRow>(new CommandDefinition(Achieved, request, cancellationToken: cancellationToken)))
            .ToDictionary(a => a.Milestone, a => a.AchievedAt, StringComparer.Ordinal);
        foreach (var achieved in newlyAchieved)
        {
            await mediator.Publish(achieved, cancellationToken);
        }
        return new MilestonesDto
        {
            EnrollmentId = profile.EnrollmentId,
            EvaluatedAt = now,
            Milestones = results.Select(r => new MilestoneDto
            {
                Number = r.Number,
                Code = r.Code,
                Met = r.Met,
                EvidenceUnavailable = r.EvidenceUnavailable,
                Basis = r.Basis,
                Evidence = r.Evidence.Select(e => new MilestoneEvidenceDto { Kind = e.Kind, Id = e.Id, At = e.At, Detail = e.Detail }).ToList(),
                FirstAchievedAt = firstAchieved.TryGetValue(r.Code, out var at) ? at : null,
            }).ToList(),
        };
    }

    /// <summary>Evidence owned by other modules: treatment-plan goals and the relapse-prevention plan, family sessions attended.</summary>
    private sealed record ExternalEvidence(RelationshipsInput Relationships, CopingInput Coping, AftercareInput Aftercare);

    private async Task<ExternalEvidence> GatherExternalAsync(Guid enrollmentId, CancellationToken ct)
    {
        var goals = await mediator.Send(new GetGoalStatusesQuery(enrollmentId), ct);
        var plan = await mediator.Send(new GetRelapsePreventionPlanQuery(enrollmentId), ct);
        var family = await mediator.Send(new GetFamilyInvolvementQuery([enrollmentId]), ct);

        List<GoalFact> Of(string category) =>
            goals.Where(g => g.Category == category).Select(g => new GoalFact(g.GoalId, g.Status, g.StatusChangedAt)).ToList();

        var sessions = family.Where(f => f.EnrollmentId == enrollmentId).Select(f => new SessionFact(f.SessionId, f.StartsAt, f.Status)).ToList();
        return new ExternalEvidence(
            new RelationshipsInput(Of(GoalCategories.Relationships), sessions),
            new CopingInput(plan.Exists ? plan.PlanId : null, plan.Exists ? plan.ReviewedAt : null, Of(GoalCategories.CopingSkills)),
            new AftercareInput(Of(GoalCategories.Aftercare)));
    }

    private async Task<IReadOnlyList<MilestoneResult>> EvaluateAsync(DbConnection connection, EnrollmentClinicalProfileDto profile, ExternalEvidence external, DateTimeOffset now, DateOnly today, CancellationToken ct)
    {
        var enrollment = new { profile.EnrollmentId };
        var tests = (await connection.QueryAsync<TestRow>(new CommandDefinition(Tests, enrollment, cancellationToken: ct)))
            .Select(t => new TestFact(t.Id, t.CollectedAt, t.Overall)).ToList();
        // Self-reported use: a BAM whose Use subscale (past-30-day use items) is 1 or more.
        var useReports = (await connection.QueryAsync<MeasureFactRow>(new CommandDefinition(UseReports, new { profile.EnrollmentId, Bam = Instrument.Bam }, cancellationToken: ct)))
            .Select(m => new UseReportFact(m.Id, m.AdministeredAt, $"BAM use subscale {m.BamUse}", m.LastUseOn)).ToList();
        var scores = (await connection.QueryAsync<MeasureFactRow>(new CommandDefinition(
            Scores, new { profile.EnrollmentId, Phq9 = Instrument.Phq9, Gad7 = Instrument.Gad7, Pcl5 = Instrument.Pcl5 }, cancellationToken: ct))).ToList();
        var latestCheckSql = $"""
            SELECT id, checked_at AS CheckedAt, housing, substance_free_income AS SubstanceFreeIncome FROM outcomes_recovery_check
            WHERE enrollment_id = @EnrollmentId ORDER BY checked_at DESC, id DESC {dialect.Limit("@One")}
            """;
        var check = await connection.QuerySingleOrDefaultAsync<CheckRow>(new CommandDefinition(latestCheckSql, new { profile.EnrollmentId, One = 1 }, cancellationToken: ct));
        var first = today.AddDays(-(MilestoneRules.SupportWindowDays - 1));
        var activities = (await connection.QueryAsync<ActivityRow>(new CommandDefinition(Activities, new { profile.EnrollmentId, First = first }, cancellationToken: ct)))
            .Select(a => new ActivityFact(a.Id, a.Date, a.Kind)).ToList();

        List<ScoreFact> Of(string instrument) =>
            scores.Where(s => s.Instrument == instrument && s.Total is not null).Select(s => new ScoreFact(s.Id, s.AdministeredAt, s.Total!.Value, (s.Flags ?? string.Empty).Split(',').Contains(MeasureWords.SuicidalIdeationFlag))).ToList();

        return
        [
            MilestoneRules.SustainedAbstinence(now, profile.AdmittedAt, tests, useReports),
            MilestoneRules.EmotionalWellbeing(Of(Instrument.Phq9), Of(Instrument.Gad7), Of(Instrument.Pcl5)),
            MilestoneRules.Relationships(external.Relationships),
            MilestoneRules.CopingSkills(external.Coping),
            MilestoneRules.StableLiving(check is null ? null : new RecoveryCheckFact(check.Id, check.CheckedAt, check.Housing, check.SubstanceFreeIncome)),
            MilestoneRules.SupportAndAftercare(today, external.Aftercare, activities),
        ];
    }
}

internal static class GetMilestonesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/milestones", (Guid enrollmentId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new EvaluateMilestonesQuery(enrollmentId), ct))
            .RequireRoles(Roles.Staff)
            .WithName("GetMilestones")
            .WithSummary("The six completion milestones")
            .WithDescription("Each milestone computed now from the enrollment's data: met or not, the basis in words and the evidence (drug tests, scores, treatment-plan goals with their status, the relapse-prevention plan, family sessions attended, recovery checks, support activities). The aftercare plan of milestone 6 is an aftercare goal whose status is not not_achieved. Each milestone met is announced once (MilestoneAchieved).")
            .Produces<MilestonesDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
