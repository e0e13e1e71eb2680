using IopPlatform.BuildingBlocks.Reactions;

namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>What every transition carries besides its body: the enrollment (route) and the If-Match version (header).</summary>
internal abstract record TransitionRequest : IRequest<EnrollmentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid EnrollmentId { get; init; }

    [JsonIgnore]
    public int ExpectedVersion { get; init; }

    [JsonIgnore]
    public abstract string Action { get; }

    [JsonIgnore]
    public string AuditCategory => InformationCategories.Enrollment;

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

/// <summary>The enrollment being moved, inside the transition's transaction.</summary>
internal sealed record TransitionScope(DbConnection Connection, DbTransaction Transaction, DateTimeOffset Now);

/// <summary>
/// What every transition does the same way: If-Match, the state machine, the status history, the outbox row and the
/// status-changed reaction, all in one transaction. Each use case adds only its own rules and reactions.
/// </summary>
internal sealed class EnrollmentTransition(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, IReactionOutbox reactions)
{
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public IReactionOutbox Reactions => reactions;

    /// <summary>
    /// Runs one transition. <c>apply</c> holds the use case's rules and changes, before the status is written;
    /// <c>react</c> its reactions (bookings, alerts closed), enqueued in the transition's transaction so they exist
    /// exactly when the transition does and are delivered after the commit: a handler that fails can neither undo the
    /// transition nor be lost.
    /// </summary>
    public async Task<EnrollmentDto> RunAsync(
        TransitionRequest request, Func<EnrollmentRow, TransitionScope, Task> apply, Func<EnrollmentRow, TransitionScope, Task>? react, string? reason, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var now = clock.GetUtcNow();
        EnrollmentRow row;
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var scope = new TransitionScope(connection, transaction, now);
            row = await EnrollmentStore.GetRowAsync(connection, request.EnrollmentId, ct, transaction);
            audit.TouchedPatient(row.PatientId);
            if (row.Version != request.ExpectedVersion)
            {
                throw new PreconditionFailedException($"Enrollment '{row.Id}' is at version {row.Version}; reload it and retry with its ETag.");
            }
            var from = row.StatusValue;
            var to = Transitions.Target(from, request.Action) ?? throw InvalidTransition(request.Action, from);
            await apply(row, scope);
            row.Status = Codes.Of(to);
            try
            {
                if (!await EnrollmentStore.UpdateAsync(connection, transaction, row, now, ct))
                {
                    throw new PreconditionFailedException($"Enrollment '{row.Id}' changed meanwhile; reload it and retry with its ETag.");
                }
            }
            catch (DbException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                throw new ConflictException("The patient already has an active or on-hold enrollment in this program; discharge it first.");
            }
            await EnrollmentStore.AddHistoryAsync(connection, transaction, row.Id, Codes.Of(from), row.Status, caller.ActorId, caller.ActorType, now, reason, ct);
            await EnrollmentOutbox.WriteAsync(connection, transaction, EnrollmentEvents.StatusChanged, row.Id, row.PatientId,
                new { enrollmentId = row.Id, patientId = row.PatientId, programId = row.ProgramId, from = Codes.Of(from), to = row.Status, occurredAt = now }, now, ct);
            if (from != to)
            {
                await reactions.EnqueueAsync(connection, transaction, new EnrollmentStatusChanged(row.Id, row.PatientId, row.ProgramId, from, to, now, caller.ActorId), row.Id, ct);
            }
            if (react is not null)
            {
                await react(row, scope);
            }
            await transaction.CommitAsync(ct);
        }
        return await EnrollmentStore.ToDtoAsync(connection, await EnrollmentStore.GetRowAsync(connection, row.Id, ct), ct);
    }

    private static ConflictException InvalidTransition(string action, EnrollmentStatus from)
    {
        var allowed = Transitions.From(from);
        var conflict = new ConflictException(
            $"Cannot {action} an enrollment that is {Codes.Of(from)}. Allowed from {Codes.Of(from)}: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        conflict.Extensions["allowedTransitions"] = allowed;
        conflict.Extensions["currentStatus"] = Codes.Of(from);
        return conflict;
    }
}

/// <summary>How every transition is mapped: a sub-resource POST with If-Match, answered by the enrollment and its new ETag.</summary>
internal static class TransitionEndpoint
{
    private const string TransitionErrors = "404 unknown enrollment; 409 when the transition is not allowed from the current status (the problem's " +
                                            "allowedTransitions lists those that are); 428 without If-Match; 412 when If-Match is stale.";

    public static void Map<TRequest>(IEndpointRouteBuilder group, string action, string name, string summary, string description, bool required)
        where TRequest : TransitionRequest
    {
        var builder = group.MapPost($"/enrollments/{{enrollmentId:guid}}/{action}", async (Guid enrollmentId, HttpRequest request, HttpResponse response, IMediator mediator, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                TransitionRequest body = await ReadBodyAsync<TRequest>(request, action, required, ct);
                var enrollment = await mediator.Send(body with { EnrollmentId = enrollmentId, ExpectedVersion = version }, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles(Roles.Staff)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + TransitionErrors)
            .Accepts<TRequest>(!required, "application/json")
            .Produces<EnrollmentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        if (action is Transitions.Admit or Transitions.Discharge)
        {
            builder.ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>
    /// Bodies are read here rather than bound, so that hold/resume/cancel/admit may come without one and the If-Match
    /// check (428/412) answers before the body is even looked at.
    /// </summary>
    private static async Task<TRequest> ReadBodyAsync<TRequest>(HttpRequest request, string action, bool required, CancellationToken ct)
        where TRequest : TransitionRequest
    {
        var body = await OptionalJsonBody.ReadAsync<TRequest>(request, ct);
        if (typeof(TRequest) == typeof(SimpleTransitionRequest))
        {
            body ??= (TRequest)(TransitionRequest)new SimpleTransitionRequest(null);
            return (TRequest)(TransitionRequest)((SimpleTransitionRequest)(TransitionRequest)body with { Verb = action });
        }
        if (body is null && typeof(TRequest) == typeof(AdmitEnrollmentRequest))
        {
            return (TRequest)(TransitionRequest)new AdmitEnrollmentRequest(null, null);
        }
        return body ?? throw new BadHttpRequestException(required ? $"The {action} transition needs a JSON body." : "Missing body.");
    }
}
