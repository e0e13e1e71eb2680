using Dapper;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Audit;

/// <summary>Tampering needs its own database: the chain stays broken for every later test.</summary>
public abstract class AuditTamperTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : AuditApi
{
    [Fact]
    public async Task Verify_finds_the_first_entry_edited_behind_the_triggers_back()
    {
        using (var scope = Api.Services.CreateScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            for (var i = 0; i < 6; i++)
            {
                await mediator.Send(new TestPatientRead(Guid.CreateVersion7(), []), Ct);
            }
        }
        var writer = Api.Services.GetRequiredService<AuditTrailWriter>();
        await writer.FlushAsync(Ct);
        var admin = Api.Admin();
        var intact = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();
        Assert.True(intact.Verified, intact.Reason);
        Assert.Equal(6, intact.CheckedRows);

        await using (var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct))
        {
            // Someone with DDL rights removes the guard and rewrites history: the hash chain still tells.
            await connection.ExecuteAsync(Api.Engine switch
            {
                DatabaseEngine.Postgres => "DROP TRIGGER platform_audit_event_no_update_delete ON platform_audit_event",
                DatabaseEngine.SqlServer => "DROP TRIGGER platform_audit_event_refuse_change",
                _ => "DROP TRIGGER platform_audit_event_no_update",
            });
            Assert.Equal(1, await connection.ExecuteAsync("UPDATE platform_audit_event SET action = 'create' WHERE sequence = 4"));
        }
        var tamperedId = await FirstIdAt(4);

        var result = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();

        Assert.False(result.Verified);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Equal(tamperedId, result.FirstBrokenId);
        Assert.Equal(3, result.CheckedRows);
        Assert.Contains("hash", result.Reason, StringComparison.Ordinal);
    }

    private async Task<Guid> FirstIdAt(long sequence)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.QuerySingleAsync<Guid>("SELECT id FROM platform_audit_event WHERE sequence = @sequence", new { sequence });
    }
}

public sealed class AuditTamperTestsOnSqlite(AuditSqliteApi api) : AuditTamperTests<AuditSqliteApi>(api), IClassFixture<AuditSqliteApi>;

public sealed class AuditTamperTestsOnPostgres(AuditPostgresApi api) : AuditTamperTests<AuditPostgresApi>(api), IClassFixture<AuditPostgresApi>;

public sealed class AuditTamperTestsOnSqlServer(AuditSqlServerApi api) : AuditTamperTests<AuditSqlServerApi>(api), IClassFixture<AuditSqlServerApi>;
