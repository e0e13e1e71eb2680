namespace IopPlatform.ClinicalNotes.Features.Clinicians;

/// <summary>A note author's credentials as they appear under a signature, and whether a supervisor must co-sign.</summary>
internal sealed record ClinicianDto
{
    /// <summary>Staff id (the token subject).</summary>
    public required string ActorId { get; init; }

    /// <summary>Name printed under the signature.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Licences and certifications, e.g. "LCSW, CADC".</summary>
    public required string Credentials { get; init; }

    /// <summary>Practises under supervision (e.g. an associate or trainee): signed notes wait for a supervisor's co-signature.</summary>
    public required bool RequiresCosign { get; init; }

    public required int Version { get; init; }
}

/// <summary>Credentials of a clinician.</summary>
/// <param name="DisplayName">Name printed under the signature.</param>
/// <param name="Credentials">Licences and certifications, e.g. "LCSW, CADC".</param>
/// <param name="RequiresCosign">The clinician's notes need a supervisor's co-signature.</param>
internal sealed record ClinicianBody(string DisplayName, string Credentials, bool RequiresCosign);

internal sealed record SetClinicianRequest(string ActorId, ClinicianBody Body) : IRequest<ClinicianDto>;

internal sealed record GetClinicianQuery(string ActorId) : IRequest<ClinicianDto>;

internal sealed class SetClinicianValidator : AbstractValidator<SetClinicianRequest>
{
    public SetClinicianValidator()
    {
        RuleFor(x => x.ActorId).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Body.DisplayName).NotEmpty().MaximumLength(200).OverridePropertyName("displayName");
        RuleFor(x => x.Body.Credentials).NotEmpty().MaximumLength(200).OverridePropertyName("credentials");
    }
}

internal static class ClinicianStore
{
    private const string Select = """
        SELECT actor_id AS ActorId, display_name AS DisplayName, credentials AS Credentials, requires_cosign AS RequiresCosign, version AS Version
        FROM clinical_notes_clinician WHERE actor_id = @ActorId
        """;

    public static Task<ClinicianDto?> FindAsync(DbConnection connection, string actorId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<ClinicianDto>(new CommandDefinition(Select, new { ActorId = actorId }, cancellationToken: ct));

    /// <summary>Notes carry their author's credentials: an author without credentials on file cannot write or sign.</summary>
    public static async Task<ClinicianDto> RequireAsync(DbConnection connection, string actorId, CancellationToken ct) =>
        await FindAsync(connection, actorId, ct)
        ?? throw new UnprocessableException($"No credentials are on file for '{actorId}'; an administrator or supervisor records them at PUT /api/v1/clinicians/{{actorId}}.");
}

internal sealed class CliniciansHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<SetClinicianRequest, ClinicianDto>, IRequestHandler<GetClinicianQuery, ClinicianDto>
{
    public async Task<ClinicianDto> Handle(SetClinicianRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var existing = await ClinicianStore.FindAsync(connection, request.ActorId, cancellationToken);
        var upsert = dialect.Upsert(
            "clinical_notes_clinician",
            ["actor_id", "display_name", "credentials", "requires_cosign", "updated_by", "updated_at", "version"],
            ["actor_id"]);
        await connection.ExecuteAsync(new CommandDefinition(upsert, new
        {
            request.ActorId,
            DisplayName = request.Body.DisplayName.Trim(),
            Credentials = request.Body.Credentials.Trim(),
            request.Body.RequiresCosign,
            UpdatedBy = caller.ActorId,
            UpdatedAt = clock.GetUtcNow(),
            Version = (existing?.Version ?? 0) + 1,
        }, cancellationToken: cancellationToken));
        return (await ClinicianStore.FindAsync(connection, request.ActorId, cancellationToken))!;
    }

    public async Task<ClinicianDto> Handle(GetClinicianQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await ClinicianStore.FindAsync(connection, request.ActorId, cancellationToken) ?? throw new NotFoundException("Clinician", request.ActorId);
    }
}

internal static class CliniciansEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPut("/clinicians/{actorId}", async (string actorId, ClinicianBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var clinician = await mediator.Send(new SetClinicianRequest(actorId, body), ct);
                ETag.Set(response, clinician.Version);
                return TypedResults.Ok(clinician);
            })
            .RequireRoles(NotesRoles.CredentialManagers)
            .WithName("SetClinicianCredentials")
            .WithSummary("Record a clinician's credentials")
            .WithDescription("Records the name and credentials printed under a clinician's signature, and whether the clinician practises under supervision (their signed notes then wait for a supervisor's co-signature).")
            .Accepts<ClinicianBody>("application/json")
            .Produces<ClinicianDto>()
            .ProducesValidationProblem();

        group.MapGet("/clinicians/{actorId}", async (string actorId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var clinician = await mediator.Send(new GetClinicianQuery(actorId), ct);
                ETag.Set(response, clinician.Version);
                return TypedResults.Ok(clinician);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetClinicianCredentials")
            .WithSummary("Read a clinician's credentials")
            .WithDescription("The name, credentials and supervision flag used when the clinician signs notes.")
            .Produces<ClinicianDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
