using System.Data.Common;
using Dapper;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Audit;

/// <summary>
/// Someone with the table owner's rights bypasses the append-only triggers and deletes the newest entries (issue 19):
/// the counter, then the signed checkpoint, still tell. Its own database: the chain stays broken afterwards.
/// </summary>
public abstract class AuditTruncationTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : AuditApi
{
    [Fact]
    public async Task Deleting_the_newest_entries_behind_the_triggers_back_is_reported_as_a_missing_range()
    {
        await ReadPatientsAsync(6);
        var admin = Api.Admin();
        var intact = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();
        Assert.True(intact.Verified, intact.Reason);
        var checkpoint = await (await admin.GetAsync("/api/v1/audit-events/checkpoints/latest", Ct)).Read<AuditCheckpoint>();
        Assert.Equal(6, checkpoint.Sequence);
        await ReadPatientsAsync(1);
        // 6 reads, the verify (7), the export (8), one more read (9).
        Assert.Equal(9, await NewestSequenceAsync());

        // The newest three entries go; the counter stays.
        await BypassTriggersAsync("DELETE FROM platform_audit_event WHERE sequence > 6");

        var truncated = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();
        Assert.False(truncated.Verified);
        Assert.Equal(7, truncated.MissingFrom);
        Assert.Equal(9, truncated.MissingTo);
        Assert.Equal(6, truncated.CheckedRows);
        Assert.Contains("missing", truncated.Reason, StringComparison.Ordinal);

        // The next entry continues from the counter: no sequence number is handed out twice.
        await Api.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        Assert.Equal(10, await NewestSequenceAsync());

        // A thorough intruder also deletes that entry and winds the counter back: the signed checkpoint (6) still tells.
        await BypassTriggersAsync(
            "DELETE FROM platform_audit_event WHERE sequence > 3",
            "UPDATE platform_audit_head SET sequence = 3, hash = (SELECT hash FROM platform_audit_event WHERE sequence = 3) WHERE id = 1");

        var rewound = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();
        Assert.False(rewound.Verified);
        Assert.Equal(4, rewound.MissingFrom);
        Assert.Equal(6, rewound.MissingTo);
        Assert.Equal(6, rewound.CheckpointSequence);
        Assert.Contains("checkpoint", rewound.Reason, StringComparison.Ordinal);
    }

    private async Task ReadPatientsAsync(int count)
    {
        using (var scope = Api.Services.CreateScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            for (var i = 0; i < count; i++)
            {
                await mediator.Send(new TestPatientRead(Guid.CreateVersion7(), []), Ct);
            }
        }
        await Api.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
    }

    private async Task<long> NewestSequenceAsync()
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT MAX(sequence) FROM platform_audit_event");
    }

    /// <summary>PostgreSQL: replica mode as the owner; SQL Server: DISABLE TRIGGER as the owner; SQLite: drop the triggers, change, recreate them as they were.</summary>
    private async Task BypassTriggersAsync(params string[] statements)
    {
        await using var connection = await OpenAsync();
        var (off, on) = Api.Engine switch
        {
            DatabaseEngine.Postgres => ("SET session_replication_role = replica", "RESET session_replication_role"),
            DatabaseEngine.SqlServer => ("DISABLE TRIGGER ALL ON platform_audit_event; DISABLE TRIGGER ALL ON platform_audit_head;",
                "ENABLE TRIGGER ALL ON platform_audit_event; ENABLE TRIGGER ALL ON platform_audit_head;"),
            _ => (null, null),
        };
        if (off is not null)
        {
            await connection.ExecuteAsync(off);
            foreach (var sql in statements)
            {
                await connection.ExecuteAsync(sql);
            }
            await connection.ExecuteAsync(on!);
            return;
        }
        var triggers = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('platform_audit_event', 'platform_audit_head')")).AsList();
        Assert.NotEmpty(triggers);
        foreach (var trigger in triggers)
        {
            await connection.ExecuteAsync($"DROP TRIGGER {trigger.Name}");
        }
        foreach (var sql in statements)
        {
            await connection.ExecuteAsync(sql);
        }
        foreach (var trigger in triggers)
        {
            await connection.ExecuteAsync(trigger.Sql);
        }
    }

    private async Task<DbConnection> OpenAsync() => await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
}

public sealed class AuditTruncationTestsOnSqlite(AuditSqliteApi api) : AuditTruncationTests<AuditSqliteApi>(api), IClassFixture<AuditSqliteApi>;

public sealed class AuditTruncationTestsOnPostgres(AuditPostgresApi api) : AuditTruncationTests<AuditPostgresApi>(api), IClassFixture<AuditPostgresApi>;

public sealed class AuditTruncationTestsOnSqlServer(AuditSqlServerApi api) : AuditTruncationTests<AuditSqlServerApi>(api), IClassFixture<AuditSqlServerApi>;
