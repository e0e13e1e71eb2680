using System.Reflection;
using System.Text.RegularExpressions;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Reactions;
using MediatR;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>Where a notification type is announced: in memory only (<c>IMediator.Publish</c>) or durably (<c>IReactionOutbox.EnqueueAsync</c>).</summary>
internal sealed record Announcement(Type? Notification, string Location, bool Durable, string Callee);

/// <summary>
/// House rule "nothing that matters lives only in memory", read from the compiled code: a notification that any
/// production handler reacts to must be written to the reaction outbox in the change's transaction wherever it is
/// announced; an in-memory publish is allowed only for notifications nobody in the product handles (a fast path for
/// tests and future listeners, with no effect to lose). And every <c>*_outbox</c> table has a reader.
/// </summary>
internal static partial class ReactionPaths
{
    public static IReadOnlyList<Announcement> Announcements(IEnumerable<Assembly> assemblies) =>
        assemblies.SelectMany(IlScan.Calls).Select(c => c.Callee switch
        {
            MethodInfo { Name: "Publish" } m when m.DeclaringType == typeof(IMediator) =>
                new Announcement(NotificationOf(m), c.Location, Durable: false, $"IMediator.{m.Name}"),
            MethodInfo { Name: nameof(IReactionOutbox.EnqueueAsync) } m when m.DeclaringType == typeof(IReactionOutbox) =>
                new Announcement(NotificationOf(m), c.Location, Durable: true, $"IReactionOutbox.{m.Name}"),
            _ => null,
        }).OfType<Announcement>().ToList();

    /// <summary>Notification types with at least one handler among <paramref name="assemblies"/>, with the handlers' names.</summary>
    public static IReadOnlyDictionary<Type, IReadOnlyList<string>> Handled(IEnumerable<Assembly> assemblies) =>
        assemblies.SelectMany(Solution.TypesOf)
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(INotificationHandler<>))
                .Select(i => (Notification: i.GetGenericArguments()[0], Handler: t.FullName ?? t.Name)))
            .GroupBy(x => x.Notification)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Handler).Distinct().ToList());

    public static IReadOnlyList<string> Violations(IReadOnlyList<Announcement> announcements, IReadOnlyDictionary<Type, IReadOnlyList<string>> handled)
    {
        var violations = new List<string>();
        violations.AddRange(announcements
            .Where(a => a.Notification is null || a.Notification.IsAbstract || a.Notification.IsInterface || a.Notification.IsGenericParameter)
            .Select(a => $"{a.Location} calls {a.Callee} with no concrete notification type: the rules cannot see which notification it is."));
        violations.AddRange(announcements
            .Where(a => !a.Durable && a.Notification is not null && handled.ContainsKey(a.Notification))
            .Select(a => $"{a.Location} publishes {a.Notification!.Name} only in memory, but {string.Join(", ", handled[a.Notification])} react(s) to it: " +
                         "enqueue it with IReactionOutbox in the change's transaction."));
        var durable = announcements.Where(a => a.Durable).Select(a => a.Notification).ToHashSet();
        violations.AddRange(handled.Keys
            .Where(t => !durable.Contains(t))
            .Select(t => $"{t.Name} is handled by {string.Join(", ", handled[t])} but never enqueued durably (IReactionOutbox.EnqueueAsync)."));
        return violations;
    }

    /// <summary>Tables named <c>*_outbox</c> in CREATE TABLE statements of the migrations.</summary>
    public static IReadOnlyList<string> OutboxTables(IEnumerable<string> migrationSql) =>
        migrationSql.SelectMany(sql => CreateOutbox().Matches(sql).Select(m => m.Groups["table"].Value.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>True when some SQL text selects from <paramref name="table"/> (a DELETE FROM is no reader).</summary>
    public static bool IsRead(string table, IEnumerable<string> strings)
    {
        var reader = new Regex($@"(?<!\bDELETE\s+)\bFROM\s+{Regex.Escape(table)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return strings.Any(s => reader.IsMatch(s));
    }

    /// <summary>
    /// Table names an assembly hands to a shared outbox reader (<see cref="StaffOutbox.PendingAsync"/>, <see cref="EventOutbox.PendingAsync{T}"/>): the string
    /// constants of every assembly that calls it (the reader's SQL is built from the name, so no literal FROM exists).
    /// </summary>
    public static IReadOnlySet<string> ReadThroughSharedReader(IEnumerable<Assembly> assemblies) =>
        assemblies.Where(a => IlScan.Calls(a).Any(c => c.Callee is MethodInfo { Name: nameof(StaffOutbox.PendingAsync) } m && (m.DeclaringType == typeof(StaffOutbox) || m.DeclaringType == typeof(EventOutbox))))
            .SelectMany(IlScan.Strings).ToHashSet(StringComparer.Ordinal);

    private static Type? NotificationOf(MethodInfo method) =>
        method.IsGenericMethod ? method.GetGenericArguments()[0] : method.GetParameters().FirstOrDefault()?.ParameterType;

    [GeneratedRegex(@"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<table>[a-z0-9_]+_outbox)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateOutbox();
}
