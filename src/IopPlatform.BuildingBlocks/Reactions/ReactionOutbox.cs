namespace IopPlatform.BuildingBlocks.Reactions;

/// <summary>
/// The durable way to announce a fact to other modules: the notification is written to
/// <c>platform_reaction_outbox</c> inside the caller's transaction, so it exists exactly when the change does. After the
/// outermost request of the scope completes it is delivered at once (the fast path); whatever that misses — a handler
/// that throws, a process that stops — <c>platform:deliver-reactions</c> delivers later. Each handler's effect is
/// recorded per reaction, so a retry never repeats a finished handler.
/// </summary>
public interface IReactionOutbox
{
    /// <summary>
    /// Writes <paramref name="notification"/> in <paramref name="transaction"/>. Reactions with the same
    /// <paramref name="orderingKey"/> (usually the enrollment) reach their handlers in the order they were written.
    /// </summary>
    Task EnqueueAsync<TNotification>(DbConnection connection, DbTransaction transaction, TNotification notification, Guid orderingKey, CancellationToken ct)
        where TNotification : INotification;
}

/// <summary>Scoped: remembers what this scope enqueued so the pipeline can deliver it once the request is done.</summary>
internal sealed class ReactionOutbox : IReactionOutbox
{
    private const string Insert = """
        INSERT INTO platform_reaction_outbox (id, notification_type, payload, ordering_key, status, attempts, next_attempt_at, created_at)
        VALUES (@Id, @NotificationType, @Payload, @OrderingKey, 'pending', 0, @Now, @Now)
        """;

    private readonly List<Guid> _enqueued = [];
    private readonly TimeProvider _clock;

    public ReactionOutbox(TimeProvider clock) => _clock = clock;

    /// <summary>Nesting of MediatR requests in this scope; only the outermost one delivers.</summary>
    internal int Depth { get; set; }

    public async Task EnqueueAsync<TNotification>(DbConnection connection, DbTransaction transaction, TNotification notification, Guid orderingKey, CancellationToken ct)
        where TNotification : INotification
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(notification);
        // The runtime type, so a caller holding a base type still stores what its handlers are registered for.
        var type = notification.GetType();
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            NotificationType = ReactionTypes.NameOf(type),
            Payload = JsonSerializer.Serialize(notification, type, ReactionTypes.Json),
            OrderingKey = orderingKey,
            Now = _clock.GetUtcNow(),
        }, transaction, cancellationToken: ct)).ConfigureAwait(false);
        _enqueued.Add(id);
    }

    /// <summary>Takes the ids enqueued so far (committed or not: an uncommitted one is simply not found).</summary>
    internal IReadOnlyList<Guid> TakeEnqueued()
    {
        var taken = _enqueued.ToList();
        _enqueued.Clear();
        return taken;
    }
}

/// <summary>How a notification type is named in the table and read back.</summary>
internal static class ReactionTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>Only notification types: the column never makes the process load anything else.</summary>
    public static Type? Resolve(string name) =>
        Type.GetType(name, throwOnError: false) is { } type && typeof(INotification).IsAssignableFrom(type) && !type.IsAbstract ? type : null;
}
