using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Flags;

/// <summary>A clinical or program flag on an enrollment: for the weekly review, not the dropout inbox.</summary>
internal sealed record ClinicalFlagDto
{
    /// <summary>Flag id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary><c>below_intensity</c>, <c>billing_risk</c>, <c>bam_concern</c> or <c>level_of_care_review</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>The rule's basis and numbers.</summary>
    public required string Basis { get; init; }

    /// <summary>The rule's inputs at the latest evaluation.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>The sessions, drug tests and measures the flag rests on.</summary>
    public required IReadOnlyList<AlertEvidence> Evidence { get; init; }

    /// <summary>First raised (UTC).</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>Last refreshed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The open clinical and program flags of a program's enrollments, oldest first.</summary>
/// <param name="ProgramId">Program.</param>
/// <param name="Rule">Only this flag rule.</param>
/// <param name="Limit">Page size (1–200).</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
internal sealed record GetReviewListRequest(Guid ProgramId, string? Rule, int Limit, string? Cursor) : IRequest<CursorPage<ClinicalFlagDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class GetReviewListValidator : AbstractValidator<GetReviewListRequest>
{
    public GetReviewListValidator()
    {
        RuleFor(x => x.Rule).Must(r => DriftRuleCodes.Flags.Contains(r)).When(x => x.Rule is not null)
            .WithMessage($"Rule must be one of: {string.Join(", ", DriftRuleCodes.Flags)}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
    }
}

internal sealed class GetReviewListHandler(IDbConnectionFactory db, ISqlDialect dialect, IAuditScope audit) : IRequestHandler<GetReviewListRequest, CursorPage<ClinicalFlagDto>>
{
    public async Task<CursorPage<ClinicalFlagDto>> Handle(GetReviewListRequest request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var sql = $"""
            SELECT {ClinicalFlagStore.Columns} FROM engagement_clinical_flag
            WHERE program_id = @ProgramId AND open_key IS NOT NULL {(request.Rule is null ? string.Empty : "AND rule_code = @Rule")} {(after is null ? string.Empty : "AND id > @After")}
            ORDER BY id {dialect.Limit("@Take")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FlagRow>(new CommandDefinition(sql, new { request.ProgramId, request.Rule, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        var page = Cursor.Page(rows.Select(r => new ClinicalFlagDto
        {
            Id = r.Id,
            EnrollmentId = r.EnrollmentId,
            PatientId = r.PatientId,
            ProgramId = r.ProgramId,
            Rule = r.RuleCode,
            Basis = r.Basis,
            Inputs = InputsJson.Parse(r.Inputs),
            Evidence = AlertStore.ReadEvidence(r.Evidence),
            RaisedAt = r.RaisedAt,
            UpdatedAt = r.UpdatedAt,
        }).ToList(), request.Limit, f => f.Id);
        foreach (var flag in page.Items)
        {
            audit.TouchedPatient(flag.PatientId);
        }
        return page;
    }
}

internal static class ReviewListEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs/{programId:guid}/review-list", (Guid programId, string? rule, int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new GetReviewListRequest(programId, rule, limit ?? Cursor.DefaultLimit, cursor), ct))
            .WithName("GetProgramReviewList")
            .WithSummary("The program's weekly review list: open clinical and program flags")
            .WithDescription("Flags the drift job keeps on enrollments (below_intensity, billing_risk, bam_concern, level_of_care_review), with their basis, " +
                             "inputs and evidence. They are not dropout-risk alerts: they never reach the case manager's inbox and are never escalated. " +
                             "A flag whose condition no longer holds is cleared by the next evaluation. Keyset-paginated (limit 1–200, cursor).")
            .RequireRoles(Roles.Clinician, Roles.CaseManager, Roles.Supervisor, Roles.Admin)
            .Produces<CursorPage<ClinicalFlagDto>>()
            .ProducesValidationProblem();
}
