namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Sets the care team of an enrollment. Each role kept in periods: a change ends the previous assignment.</summary>
/// <param name="PrimaryCounsellor">Primary counsellor; null leaves the role empty.</param>
/// <param name="CaseManager">Case manager (alerts and outreach tasks go here).</param>
/// <param name="Supervisor">Supervisor (escalation target).</param>
internal sealed record SetCareTeamRequest(StaffRefDto? PrimaryCounsellor, StaffRefDto? CaseManager, StaffRefDto? Supervisor) : IRequest<EnrollmentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid EnrollmentId { get; init; }

    [JsonIgnore]
    public int ExpectedVersion { get; init; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class SetCareTeamValidator : AbstractValidator<SetCareTeamRequest>
{
    public SetCareTeamValidator()
    {
        foreach (var member in new (string Name, Func<SetCareTeamRequest, StaffRefDto?> Get)[]
                 {
                     (nameof(SetCareTeamRequest.PrimaryCounsellor), x => x.PrimaryCounsellor),
                     (nameof(SetCareTeamRequest.CaseManager), x => x.CaseManager),
                     (nameof(SetCareTeamRequest.Supervisor), x => x.Supervisor),
                 })
        {
            RuleFor(x => member.Get(x)!.UserId).NotEmpty().MaximumLength(200).OverridePropertyName($"{member.Name}.UserId").When(x => member.Get(x) is not null);
            RuleFor(x => member.Get(x)!.DisplayName).NotEmpty().MaximumLength(200).OverridePropertyName($"{member.Name}.DisplayName").When(x => member.Get(x) is not null);
        }
    }
}

internal sealed class SetCareTeamHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<SetCareTeamRequest, EnrollmentDto>
{
    private const string Close = "UPDATE enrollment_care_team_assignment SET assigned_to = @Now WHERE enrollment_id = @EnrollmentId AND role = @Role AND assigned_to IS NULL";

    private const string Insert = """
        INSERT INTO enrollment_care_team_assignment (id, enrollment_id, role, user_id, display_name, assigned_from, assigned_to, assigned_by)
        VALUES (@Id, @EnrollmentId, @Role, @UserId, @DisplayName, @Now, NULL, @AssignedBy)
        """;

    private const string Bump = "UPDATE enrollment_enrollment SET version = version + 1, updated_at = @Now WHERE id = @EnrollmentId AND version = @ExpectedVersion";

    public async Task<EnrollmentDto> Handle(SetCareTeamRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await EnrollmentStore.GetRowAsync(connection, request.EnrollmentId, cancellationToken, transaction);
        audit.TouchedPatient(row.PatientId);
        var now = clock.GetUtcNow();
        if (await connection.ExecuteAsync(new CommandDefinition(Bump, new { request.EnrollmentId, request.ExpectedVersion, Now = now }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            throw new PreconditionFailedException($"Enrollment '{row.Id}' is at version {row.Version}; reload it and retry with its ETag.");
        }
        var current = await EnrollmentStore.CareTeamAsync(connection, row.Id, cancellationToken, transaction);
        foreach (var (role, before, after) in new[]
                 {
                     (CareTeamRoles.PrimaryCounsellor, current.PrimaryCounsellor, request.PrimaryCounsellor),
                     (CareTeamRoles.CaseManager, current.CaseManager, request.CaseManager),
                     (CareTeamRoles.Supervisor, current.Supervisor, request.Supervisor),
                 })
        {
            if (before == after)
            {
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(Close, new { request.EnrollmentId, Role = role, Now = now }, transaction, cancellationToken: cancellationToken));
            if (after is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(Insert, new
                {
                    Id = Guid.CreateVersion7(),
                    request.EnrollmentId,
                    Role = role,
                    UserId = after.UserId.Trim(),
                    DisplayName = after.DisplayName.Trim(),
                    Now = now,
                    AssignedBy = caller.ActorId,
                }, transaction, cancellationToken: cancellationToken));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return await EnrollmentStore.ToDtoAsync(connection, await EnrollmentStore.GetRowAsync(connection, row.Id, cancellationToken), cancellationToken);
    }
}

internal static class SetCareTeamEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPut("/enrollments/{enrollmentId:guid}/care-team", async (Guid enrollmentId, SetCareTeamRequest body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                var enrollment = await mediator.Send(body with { EnrollmentId = enrollmentId, ExpectedVersion = version }, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles(Roles.Staff)
            .WithName("SetCareTeam")
            .WithSummary("Set the care team")
            .WithDescription("Primary counsellor, case manager (alerts route here) and supervisor (escalation target). A change ends the previous assignment's period. Requires If-Match.")
            .Accepts<SetCareTeamRequest>("application/json")
            .Produces<EnrollmentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
