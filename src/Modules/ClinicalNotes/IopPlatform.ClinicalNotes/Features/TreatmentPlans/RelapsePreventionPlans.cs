namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

/// <summary>Someone the patient can call.</summary>
/// <param name="Name">Name.</param>
/// <param name="Relationship">e.g. sponsor, sister.</param>
/// <param name="Phone">Phone number.</param>
internal sealed record SupportContact(string Name, string? Relationship, string? Phone);

/// <summary>The relapse-prevention plan.</summary>
/// <param name="Triggers">People, places, feelings that raise the risk of use.</param>
/// <param name="WarningSigns">Early signs of relapse.</param>
/// <param name="CopingStrategies">What the patient does instead.</param>
/// <param name="SupportContacts">Who to call.</param>
/// <param name="LapsePlan">What to do after a lapse.</param>
internal sealed record RelapsePreventionPlanBody(
    IReadOnlyList<string>? Triggers,
    IReadOnlyList<string>? WarningSigns,
    IReadOnlyList<string>? CopingStrategies,
    IReadOnlyList<SupportContact>? SupportContacts,
    string LapsePlan);

internal sealed record RelapsePreventionPlanDto
{
    public required Guid Id { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required IReadOnlyList<string> Triggers { get; init; }

    public required IReadOnlyList<string> WarningSigns { get; init; }

    public required IReadOnlyList<string> CopingStrategies { get; init; }

    public required IReadOnlyList<SupportContact> SupportContacts { get; init; }

    public required string LapsePlan { get; init; }

    public required string ReviewedBy { get; init; }

    /// <summary>Written or last reviewed (UTC).</summary>
    public required DateTimeOffset ReviewedAt { get; init; }

    public required int Version { get; init; }
}

internal sealed record SaveRelapsePreventionPlanRequest(Guid EnrollmentId, int? Version, RelapsePreventionPlanBody Body) : IRequest<RelapsePreventionPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed record GetRelapsePreventionPlanDetailsQuery(Guid EnrollmentId) : IRequest<RelapsePreventionPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class SaveRelapsePreventionPlanValidator : AbstractValidator<SaveRelapsePreventionPlanRequest>
{
    public SaveRelapsePreventionPlanValidator()
    {
        RuleFor(x => x.Body.Triggers).NotEmpty().OverridePropertyName("triggers");
        RuleFor(x => x.Body.WarningSigns).NotEmpty().OverridePropertyName("warningSigns");
        RuleFor(x => x.Body.CopingStrategies).NotEmpty().OverridePropertyName("copingStrategies");
        RuleFor(x => x.Body.SupportContacts).NotEmpty().OverridePropertyName("supportContacts");
        RuleForEach(x => x.Body.SupportContacts).Must(c => !string.IsNullOrWhiteSpace(c.Name)).WithMessage("A support contact needs a name.").OverridePropertyName("supportContacts");
        RuleFor(x => x.Body.LapsePlan).NotEmpty().WithMessage("Say what to do after a lapse.").MaximumLength(4000).OverridePropertyName("lapsePlan");
    }
}

internal sealed class RelapsePreventionPlansHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<SaveRelapsePreventionPlanRequest, RelapsePreventionPlanDto>,
      IRequestHandler<GetRelapsePreventionPlanDetailsQuery, RelapsePreventionPlanDto>,
      IRequestHandler<GetRelapsePreventionPlanQuery, RelapsePreventionPlanStatusDto>,
      IRequestHandler<GetGoalStatusesQuery, IReadOnlyList<GoalStatusDto>>
{
    private const string Select = """
        SELECT id AS Id, enrollment_id AS EnrollmentId, patient_id AS PatientId, triggers AS Triggers, warning_signs AS WarningSigns,
               coping_strategies AS CopingStrategies, support_contacts AS SupportContacts, lapse_plan AS LapsePlan,
               reviewed_by AS ReviewedBy, reviewed_at AS ReviewedAt, version AS Version
        FROM clinical_notes_relapse_plan WHERE enrollment_id = @EnrollmentId
        """;

    private const string Update = """
        UPDATE clinical_notes_relapse_plan SET triggers = @Triggers, warning_signs = @WarningSigns, coping_strategies = @CopingStrategies,
            support_contacts = @SupportContacts, lapse_plan = @LapsePlan, reviewed_by = @ReviewedBy, reviewed_at = @ReviewedAt, version = version + 1
        WHERE enrollment_id = @EnrollmentId AND version = @Version
        """;

    private const string GoalStatuses = """
        SELECT id AS GoalId, category AS Category, status AS Status, status_changed_at AS StatusChangedAt
        FROM clinical_notes_goal WHERE enrollment_id = @EnrollmentId ORDER BY id
        """;

    private sealed class Row
    {
        public Guid Id { get; init; }

        public Guid EnrollmentId { get; init; }

        public Guid PatientId { get; init; }

        public string Triggers { get; init; } = "[]";

        public string WarningSigns { get; init; } = "[]";

        public string CopingStrategies { get; init; } = "[]";

        public string SupportContacts { get; init; } = "[]";

        public string LapsePlan { get; init; } = string.Empty;

        public string ReviewedBy { get; init; } = string.Empty;

        public DateTimeOffset ReviewedAt { get; init; }

        public int Version { get; init; }

        public RelapsePreventionPlanDto ToDto() => new()
        {
            Id = Id,
            EnrollmentId = EnrollmentId,
            Triggers = NotesJson.Read<List<string>>(Triggers),
            WarningSigns = NotesJson.Read<List<string>>(WarningSigns),
            CopingStrategies = NotesJson.Read<List<string>>(CopingStrategies),
            SupportContacts = NotesJson.Read<List<SupportContact>>(SupportContacts),
            LapsePlan = LapsePlan,
            ReviewedBy = ReviewedBy,
            ReviewedAt = ReviewedAt,
            Version = Version,
        };
    }

    public async Task<RelapsePreventionPlanDto> Handle(SaveRelapsePreventionPlanRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        var existing = await FindAsync(connection, request.EnrollmentId, cancellationToken);
        var args = new
        {
            Id = Guid.CreateVersion7(),
            request.EnrollmentId,
            profile.PatientId,
            Triggers = NotesJson.Write(request.Body.Triggers),
            WarningSigns = NotesJson.Write(request.Body.WarningSigns),
            CopingStrategies = NotesJson.Write(request.Body.CopingStrategies),
            SupportContacts = NotesJson.Write(request.Body.SupportContacts),
            LapsePlan = request.Body.LapsePlan.Trim(),
            ReviewedBy = caller.ActorId,
            ReviewedAt = clock.GetUtcNow(),
            Version = request.Version ?? 0,
        };
        if (existing is null)
        {
            if (request.Version is not null)
            {
                throw new PreconditionFailedException("There is no relapse-prevention plan yet; create it without If-Match.");
            }
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                dialect.InsertIgnoreDuplicate("clinical_notes_relapse_plan",
                    ["id", "enrollment_id", "patient_id", "triggers", "warning_signs", "coping_strategies", "support_contacts", "lapse_plan", "reviewed_by", "reviewed_at", "version"],
                    ["enrollment_id"]),
                args with { Version = 1 }, cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                throw new PreconditionFailedException("The plan was created meanwhile; read it and send its ETag in If-Match.");
            }
        }
        else
        {
            if (request.Version is null)
            {
                throw new PreconditionRequiredException("The plan exists; send If-Match with the ETag from your last read.");
            }
            if (await connection.ExecuteAsync(new CommandDefinition(Update, args, cancellationToken: cancellationToken)) == 0)
            {
                throw new PreconditionFailedException($"The plan is at version {existing.Version}; read it again.");
            }
        }
        return (await FindAsync(connection, request.EnrollmentId, cancellationToken))!.ToDto();
    }

    public async Task<RelapsePreventionPlanDto> Handle(GetRelapsePreventionPlanDetailsQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await FindAsync(connection, request.EnrollmentId, cancellationToken)
            ?? throw new NotFoundException("Relapse-prevention plan of enrollment", request.EnrollmentId);
        audit.TouchedPatient(row.PatientId);
        return row.ToDto();
    }

    public async Task<RelapsePreventionPlanStatusDto> Handle(GetRelapsePreventionPlanQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await FindAsync(connection, request.EnrollmentId, cancellationToken);
        return new RelapsePreventionPlanStatusDto { EnrollmentId = request.EnrollmentId, Exists = row is not null, PlanId = row?.Id, ReviewedAt = row?.ReviewedAt };
    }

    public async Task<IReadOnlyList<GoalStatusDto>> Handle(GetGoalStatusesQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<GoalStatusDto>(new CommandDefinition(GoalStatuses, new { request.EnrollmentId }, cancellationToken: cancellationToken))).AsList();
    }

    private static Task<Row?> FindAsync(System.Data.Common.DbConnection connection, Guid enrollmentId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, new { EnrollmentId = enrollmentId }, cancellationToken: ct));
}

internal static class RelapsePreventionPlansEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPut("/enrollments/{enrollmentId:guid}/relapse-prevention-plan", async (Guid enrollmentId, RelapsePreventionPlanBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                int? version = string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()) ? null : ETag.RequireIfMatch(request);
                var plan = await mediator.Send(new SaveRelapsePreventionPlanRequest(enrollmentId, version, body), ct);
                ETag.Set(response, plan.Version);
                return TypedResults.Ok(plan);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithName("SaveRelapsePreventionPlan")
            .WithSummary("Write or review the relapse-prevention plan")
            .WithDescription("Creates the plan (no If-Match) or replaces it (If-Match required); either way reviewedAt becomes now. Triggers, warning signs, coping strategies, support contacts and the lapse plan are all required.")
            .Accepts<RelapsePreventionPlanBody>("application/json")
            .Produces<RelapsePreventionPlanDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithMetadata(new IfMatchWhenExistingMetadata());

        group.MapGet("/enrollments/{enrollmentId:guid}/relapse-prevention-plan", async (Guid enrollmentId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var plan = await mediator.Send(new GetRelapsePreventionPlanDetailsQuery(enrollmentId), ct);
                ETag.Set(response, plan.Version);
                return TypedResults.Ok(plan);
            })
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetRelapsePreventionPlan")
            .WithSummary("Read the relapse-prevention plan")
            .WithDescription("Triggers, warning signs, coping strategies, support contacts, the lapse plan and when it was last reviewed.")
            .Produces<RelapsePreventionPlanDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
