using IopPlatform.Architecture.Tests.Checkers;
using IopPlatform.Architecture.Tests.Samples.Reactions;

namespace IopPlatform.Architecture.Tests;

/// <summary>
/// Nothing that matters lives only in memory (README decisions on durable reactions): judged from the compiled product,
/// so a new notification, handler, publish site or outbox cannot escape.
/// </summary>
public sealed class DurableReactionTests
{
    [Fact]
    public void Every_handled_notification_is_announced_durably_wherever_it_is_announced()
    {
        var product = Solution.ProductAssemblies();
        Expect.None(ReactionPaths.Violations(ReactionPaths.Announcements(product), ReactionPaths.Handled(product)));
    }

    [Fact]
    public void Every_outbox_table_has_a_reader()
    {
        var product = Solution.ProductAssemblies();
        var tables = ReactionPaths.OutboxTables(product.SelectMany(a => MigrationCatalog.ReadScripts(a)).Select(s => s.Sql));
        var strings = product.SelectMany(IlScan.Strings).ToList();
        var shared = ReactionPaths.ReadThroughSharedReader(product);
        Expect.None(tables.Where(t => !ReactionPaths.IsRead(t, strings) && !shared.Contains(t)).Select(t => $"{t} is written but nothing selects from it: give it a reader (a job or a Contracts query)."));
    }

    [Fact]
    public void The_scan_finds_the_known_outboxes_and_announcements()
    {
        var product = Solution.ProductAssemblies();
        var tables = ReactionPaths.OutboxTables(product.SelectMany(a => MigrationCatalog.ReadScripts(a)).Select(s => s.Sql));
        Assert.Superset(new HashSet<string>(["clinical_notes_outbox", "enrollment_outbox", "outcomes_outbox", "scheduling_outbox", "platform_reaction_outbox"]), tables.ToHashSet());
        var announced = ReactionPaths.Announcements(product).Select(a => a.Notification?.Name).ToHashSet();
        Assert.Superset(new HashSet<string?>(["EnrollmentActivated", "SafetyConcernRaised", "EnrollmentDischarged", "NoteSigned", "SessionMissed"]), announced);
        Assert.Contains("SafetyConcernRaised", ReactionPaths.Handled(product).Keys.Select(t => t.Name));
    }

    [Fact]
    public void Rule_rejects_a_handled_notification_published_only_in_memory()
    {
        var samples = new[] { typeof(DurableReactionTests).Assembly };
        var announcements = ReactionPaths.Announcements(samples).Where(a => a.Location.Contains(".Samples.Reactions.", StringComparison.Ordinal)).ToList();
        var handled = ReactionPaths.Handled(samples).Where(h => h.Key.Namespace == typeof(SampleBooked).Namespace).ToDictionary(h => h.Key, h => h.Value);
        var violations = ReactionPaths.Violations(announcements, handled);
        Assert.Contains(violations, v => v.Contains("publishes SampleBooked only in memory", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("SampleBooked is handled by", StringComparison.Ordinal) && v.Contains("never enqueued durably", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("no concrete notification type", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains(nameof(SampleNoted), StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains(nameof(SampleEnded), StringComparison.Ordinal));
    }

    [Fact]
    public void Outbox_rule_finds_tables_and_tells_readers_from_deleters()
    {
        Assert.Equal(["x_outbox"], ReactionPaths.OutboxTables(["CREATE TABLE x_outbox (id uuid); CREATE TABLE x_outbox_other (id int); CREATE TABLE x_inbox (id int)"]));
        Assert.True(ReactionPaths.IsRead("x_outbox", ["SELECT id FROM x_outbox WHERE dispatched_at IS NULL"]));
        Assert.False(ReactionPaths.IsRead("x_outbox", ["INSERT INTO x_outbox (id) VALUES (@Id)", "DELETE FROM x_outbox WHERE id = @Id", "SELECT * FROM x_outbox_old"]));
    }
}
