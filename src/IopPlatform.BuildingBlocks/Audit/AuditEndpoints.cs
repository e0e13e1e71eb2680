using System.Buffers.Binary;
using System.Buffers.Text;
using IopPlatform.BuildingBlocks.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>Admin-only access to the audit trail: search it and verify its hash chain.</summary>
public static class AuditEndpoints
{
    public const string Tag = "Audit";

    /// <summary>The data category of reading the audit trail itself (those reads are audited too).</summary>
    public const string Category = "audit_log";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit-events").WithTags(Tag).RequireRoles(Roles.Admin);

        group.MapGet(string.Empty, (IMediator mediator, CancellationToken ct, Guid? patientId = null, string? actorId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListAuditEventsQuery(patientId, actorId, from, to, limit, cursor), ct))
            .WithName("ListAuditEvents")
            .WithSummary("Search the audit trail")
            .WithDescription(
                "Lists audit entries newest first (descending sequence), a page at a time: pass the nextCursor of one page as cursor for the next. " +
                "Filters: patientId, actorId, and occurredAt in [from, to). Admin only; the search is itself recorded in the audit trail.")
            .Produces<CursorPage<AuditEvent>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/verify", (IMediator mediator, CancellationToken ct) => mediator.Send(new VerifyAuditTrailCommand(), ct))
            .WithName("VerifyAuditTrail")
            .WithSummary("Verify the audit trail's hash chain")
            .WithDescription(
                "Writes out pending entries, then walks the whole chain in sequence order, recomputing each entry's SHA-256 hash and checking " +
                "that it links to the previous one and that no sequence number is missing; then compares the chain's end with its counter and with " +
                "the latest signed checkpoint, so entries deleted from the end are reported as a missing range (missingFrom, missingTo). " +
                "Reports the first broken entry. A clean verify signs a new checkpoint of the head. Admin only.")
            .Produces<AuditVerification>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/checkpoints/latest", (IMediator mediator, CancellationToken ct) => mediator.Send(new GetLatestAuditCheckpointQuery(), ct))
            .WithName("GetLatestAuditCheckpoint")
            .WithSummary("Export the latest signed checkpoint of the audit chain")
            .WithDescription(
                "The newest checkpoint: the chain's head sequence and hash at a time, signed with a key the database does not hold " +
                "(Audit:CheckpointKey, or Data Protection). Keep exported copies outside the database: a copy newer than the stored chain " +
                "proves entries were removed. 404 before the first checkpoint. Admin only.")
            .Produces<AuditCheckpoint>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }
}

/// <summary>Searches the audit trail, newest first.</summary>
internal sealed record ListAuditEventsQuery(Guid? PatientId, string? ActorId, DateTimeOffset? From, DateTimeOffset? To, int Limit, string? Cursor)
    : IRequest<CursorPage<AuditEvent>>, IAuditedRequest
{
    public string AuditCategory => AuditEndpoints.Category;

    public string AuditAction => "search";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListAuditEventsValidator : AbstractValidator<ListAuditEventsQuery>
{
    public ListAuditEventsValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
        RuleFor(x => x.ActorId).MaximumLength(200);
        RuleFor(x => x.To).GreaterThan(x => x.From).When(x => x.From is not null && x.To is not null).WithMessage("'to' must be after 'from'.");
    }
}

internal sealed class ListAuditEventsHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<ListAuditEventsQuery, CursorPage<AuditEvent>>
{
    public async Task<CursorPage<AuditEvent>> Handle(ListAuditEventsQuery request, CancellationToken cancellationToken)
    {
        var before = SequenceCursor.Decode(request.Cursor);
        // Built in C#: optional filters as "@x IS NULL OR ..." send untyped nulls that PostgreSQL refuses.
        var where = new List<string>();
        if (before is not null)
        {
            where.Add("sequence < @Before");
        }
        if (request.PatientId is not null)
        {
            where.Add("patient_id = @PatientId");
        }
        if (request.ActorId is not null)
        {
            where.Add("actor_id = @ActorId");
        }
        if (request.From is not null)
        {
            where.Add("occurred_at >= @From");
        }
        if (request.To is not null)
        {
            where.Add("occurred_at < @To");
        }
        var sql = $"""
            SELECT {AuditChainStore.SelectColumns}
            FROM platform_audit_event
            {(where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where))}
            ORDER BY sequence DESC
            {dialect.Limit("@Take")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditEvent>(new CommandDefinition(
            sql,
            new { Before = before, request.PatientId, request.ActorId, request.From, request.To, Take = request.Limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        if (rows.Count <= request.Limit)
        {
            return new CursorPage<AuditEvent>(rows, null);
        }
        var items = rows.Take(request.Limit).ToList();
        return new CursorPage<AuditEvent>(items, SequenceCursor.Encode(items[^1].Sequence));
    }
}

/// <summary>Checks the hash chain end to end.</summary>
internal sealed record VerifyAuditTrailCommand : IRequest<AuditVerification>, IAuditedRequest
{
    public string AuditCategory => AuditEndpoints.Category;

    public string AuditAction => "verify";

    public Guid? AuditPatientId => null;
}

internal sealed class VerifyAuditTrailHandler(AuditTrailWriter writer, AuditChainStore store, AuditCheckpoints checkpoints) : IRequestHandler<VerifyAuditTrailCommand, AuditVerification>
{
    public async Task<AuditVerification> Handle(VerifyAuditTrailCommand request, CancellationToken cancellationToken)
    {
        // Entries of requests that already finished are part of what the caller expects to be checked.
        await writer.FlushAsync(cancellationToken);
        var result = await store.VerifyAsync(cancellationToken);
        if (result.Verified)
        {
            await checkpoints.WriteAsync(cancellationToken);
        }
        return result;
    }
}

/// <summary>The newest signed checkpoint, for export.</summary>
internal sealed record GetLatestAuditCheckpointQuery : IRequest<AuditCheckpoint>, IAuditedRequest
{
    public string AuditCategory => AuditEndpoints.Category;

    public string AuditAction => "export";

    public Guid? AuditPatientId => null;
}

internal sealed class GetLatestAuditCheckpointHandler(AuditCheckpoints checkpoints) : IRequestHandler<GetLatestAuditCheckpointQuery, AuditCheckpoint>
{
    public async Task<AuditCheckpoint> Handle(GetLatestAuditCheckpointQuery request, CancellationToken cancellationToken) =>
        await checkpoints.LatestAsync(cancellationToken) ?? throw new NotFoundException("Audit checkpoint", "latest");
}

/// <summary>Keyset cursor over the audit sequence (an opaque base64url of the last sequence returned).</summary>
internal static class SequenceCursor
{
    public static string Encode(long sequence)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        return Base64Url.EncodeToString(bytes);
    }

    public static long? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length == 8 && BinaryPrimitives.ReadInt64BigEndian(bytes) is > 0 and var sequence)
            {
                return sequence;
            }
        }
        catch (FormatException)
        {
            // falls through to the 400 below
        }
        throw new BadRequestException("cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }
}
