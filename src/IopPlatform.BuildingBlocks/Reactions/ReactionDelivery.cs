using System.Collections.Concurrent;

namespace IopPlatform.BuildingBlocks.Reactions;

/// <summary>Settings of durable reactions (<c>Reactions</c> section).</summary>
public sealed class ReactionOptions
{
    /// <summary>Cron of <c>platform:deliver-reactions</c>.</summary>
    public string DeliverCron { get; set; } = "* * * * *";

    /// <summary>Deliver right after the request that enqueued (the fast path). Off: only the job delivers.</summary>
    public bool DeliverInline { get; set; } = true;

    /// <summary>How long a claimed reaction is left to its deliverer before another may take it (a crash mid-delivery).</summary>
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>First retry after this many seconds, doubling per attempt up to <see cref="MaxBackoffMinutes"/>.</summary>
    public int FirstRetrySeconds { get; set; } = 30;

    public int MaxBackoffMinutes { get; set; } = 60;

    /// <summary>A pending reaction that failed this many times is reported as stuck (health check, admin list).</summary>
    public int StuckAfterAttempts { get; set; } = 5;

    /// <summary>Delivered reactions are kept this long, then purged with their handler records.</summary>
    public int RetentionDays { get; set; } = 30;
}

/// <summary>
/// Delivers reactions: claims one (a conditional update, so two servers or the fast path and the job never run it at
/// once), runs each handler not yet recorded in <c>platform_reaction_handled</c>, records each success, and either
/// marks the reaction done or schedules a retry with backoff. A failed reaction is never given up: it stays pending,
/// becomes visible as stuck, and blocks later reactions of its ordering key so they never overtake it.
/// </summary>
internal sealed class ReactionDelivery(
    IServiceScopeFactory scopes, IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ReactionOptions options, ILogger<ReactionDelivery> logger)
{
    private const string NoEarlierPending = """
        NOT EXISTS (SELECT 1 FROM platform_reaction_outbox e
                    WHERE e.ordering_key = platform_reaction_outbox.ordering_key AND e.status = 'pending' AND e.seq < platform_reaction_outbox.seq)
        """;

    private const string Due = $"""
        SELECT id FROM platform_reaction_outbox
        WHERE status = 'pending' AND next_attempt_at <= @Now AND {NoEarlierPending}
        ORDER BY seq
        """;

    private const string Claim = $"""
        UPDATE platform_reaction_outbox SET next_attempt_at = @Lease
        WHERE id = @Id AND status = 'pending' AND next_attempt_at <= @Now AND {NoEarlierPending}
        """;

    private const string Read = "SELECT notification_type AS NotificationType, payload, attempts FROM platform_reaction_outbox WHERE id = @Id";

    private const string Handled = "SELECT handler FROM platform_reaction_handled WHERE reaction_id = @Id";

    private const string Done = "UPDATE platform_reaction_outbox SET status = 'done', completed_at = @Now, last_error = NULL WHERE id = @Id";

    private const string Retry = "UPDATE platform_reaction_outbox SET attempts = @Attempts, next_attempt_at = @Next, last_error = @Error WHERE id = @Id";

    private const string PurgeHandled = """
        DELETE FROM platform_reaction_handled
        WHERE reaction_id IN (SELECT id FROM platform_reaction_outbox WHERE status = 'done' AND completed_at < @Before)
        """;

    private const string PurgeDone = "DELETE FROM platform_reaction_outbox WHERE status = 'done' AND completed_at < @Before";

    private static readonly ConcurrentDictionary<Type, HandlerSet> HandlerSets = new();

    /// <summary>Delivers every due reaction, oldest first, in batches; answers how many were completed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var completed = 0;
        var tried = new HashSet<Guid>();
        while (true)
        {
            List<Guid> due;
            await using (var connection = await db.OpenAsync(ct).ConfigureAwait(false))
            {
                var sql = $"{Due} {dialect.Limit("@Limit")}";
                due = (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { Now = clock.GetUtcNow(), Limit = 100 }, cancellationToken: ct)).ConfigureAwait(false))
                    .Where(tried.Add).ToList();
            }
            if (due.Count == 0)
            {
                return completed;
            }
            foreach (var id in due)
            {
                if (await DeliverAsync(id, ct).ConfigureAwait(false))
                {
                    completed++;
                }
            }
        }
    }

    /// <summary>Deletes delivered reactions past their retention.</summary>
    public async Task PurgeAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().AddDays(-Math.Max(1, options.RetentionDays));
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(PurgeHandled, new { Before = before }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(PurgeDone, new { Before = before }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Delivers one reaction if it is due and nobody holds it; true when it is now done.</summary>
    public async Task<bool> DeliverAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        StoredReaction row;
        HashSet<string> handled;
        await using (var connection = await db.OpenAsync(ct).ConfigureAwait(false))
        {
            var lease = now.AddSeconds(Math.Max(1, options.LeaseSeconds));
            if (await connection.ExecuteAsync(new CommandDefinition(Claim, new { Id = id, Now = now, Lease = lease }, cancellationToken: ct)).ConfigureAwait(false) == 0)
            {
                return false;
            }
            row = await connection.QuerySingleAsync<StoredReaction>(new CommandDefinition(Read, new { Id = id }, cancellationToken: ct)).ConfigureAwait(false);
            handled = (await connection.QueryAsync<string>(new CommandDefinition(Handled, new { Id = id }, cancellationToken: ct)).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
        }
        var errors = await RunHandlersAsync(id, row, handled, ct).ConfigureAwait(false);
        await using (var connection = await db.OpenAsync(ct).ConfigureAwait(false))
        {
            var finishedAt = clock.GetUtcNow();
            if (errors.Count == 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(Done, new { Id = id, Now = finishedAt }, cancellationToken: ct)).ConfigureAwait(false);
                return true;
            }
            var attempts = row.Attempts + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(Math.Max(1, options.FirstRetrySeconds) * Math.Pow(2, Math.Min(attempts - 1, 20)), options.MaxBackoffMinutes * 60.0));
            var error = string.Join("; ", errors);
            await connection.ExecuteAsync(new CommandDefinition(Retry, new
            {
                Id = id,
                Attempts = attempts,
                Next = finishedAt + backoff,
                Error = error.Length > 2000 ? error[..2000] : error,
            }, cancellationToken: ct)).ConfigureAwait(false);
            logger.LogWarning("Reaction {ReactionId} ({Type}) attempt {Attempt} failed, retry in {Backoff}: {Error}", id, row.NotificationType, attempts, backoff, error);
            return false;
        }
    }

    private async Task<List<string>> RunHandlersAsync(Guid id, StoredReaction row, HashSet<string> handled, CancellationToken ct)
    {
        var errors = new List<string>();
        if (ReactionTypes.Resolve(row.NotificationType) is not { } type)
        {
            errors.Add($"unknown notification type {row.NotificationType}");
            return errors;
        }
        var notification = JsonSerializer.Deserialize(row.Payload, type, ReactionTypes.Json)
            ?? throw new InvalidOperationException($"Reaction {id} has an empty payload.");
        var set = HandlerSets.GetOrAdd(type, t => (HandlerSet)Activator.CreateInstance(typeof(HandlerSet<>).MakeGenericType(t))!);
        // A scope of its own, like a job: the handlers run as the system, not as the caller whose request enqueued.
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<ReactionOutbox>();
        // Requests the handlers send must not deliver reactions half-way through a handler's transaction.
        outbox.Depth++;
        foreach (var (name, run) in set.Resolve(scope.ServiceProvider, notification))
        {
            if (handled.Contains(name))
            {
                continue;
            }
            try
            {
                await run(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Handler {Handler} of reaction {ReactionId} failed", name, id);
                errors.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
                continue;
            }
            await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
            var insert = dialect.InsertIgnoreDuplicate("platform_reaction_handled", ["reaction_id", "handler", "handled_at"], ["reaction_id", "handler"]);
            await connection.ExecuteAsync(new CommandDefinition(insert, new { ReactionId = id, Handler = name, HandledAt = clock.GetUtcNow() }, cancellationToken: ct)).ConfigureAwait(false);
        }
        outbox.Depth--;
        // Reactions the handlers enqueued: their transactions are committed now.
        foreach (var next in outbox.TakeEnqueued())
        {
            await DeliverAsync(next, ct).ConfigureAwait(false);
        }
        return errors;
    }

    /// <summary>The stable name a handler is recorded under (its type, generic arguments by name).</summary>
    internal static string HandlerName(Type type) =>
        type.IsGenericType
            ? $"{type.Namespace}.{type.Name}[{string.Join(",", type.GetGenericArguments().Select(a => a.Name))}]"
            : type.FullName ?? type.Name;

    private sealed class StoredReaction
    {
        public string NotificationType { get; init; } = string.Empty;

        public string Payload { get; init; } = "{}";

        public int Attempts { get; init; }
    }

    private abstract class HandlerSet
    {
        public abstract IEnumerable<(string Name, Func<CancellationToken, Task> Run)> Resolve(IServiceProvider services, object notification);
    }

    private sealed class HandlerSet<TNotification> : HandlerSet
        where TNotification : INotification
    {
        public override IEnumerable<(string Name, Func<CancellationToken, Task> Run)> Resolve(IServiceProvider services, object notification) =>
            services.GetServices<INotificationHandler<TNotification>>()
                .Select(h => (HandlerName(h.GetType()), (Func<CancellationToken, Task>)(ct => h.Handle((TNotification)notification, ct))))
                .DistinctBy(h => h.Item1, StringComparer.Ordinal)
                .ToList();
    }
}
