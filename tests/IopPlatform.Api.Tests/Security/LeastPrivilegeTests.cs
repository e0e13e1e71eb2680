using System.Data.Common;
using System.Net;
using Dapper;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>
/// Least privilege as deployed (issue 19): migrations (and Hangfire's schema) run as the owner role; the API runs as a
/// role that owns nothing. The API works as usual, and with the API's own credentials the audit and note-lock triggers
/// cannot be switched off and audit rows cannot be changed or deleted.
/// </summary>
public abstract class LeastPrivilegeTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task The_api_works_as_the_app_role_on_the_owners_schema()
    {
        var program = await Api.CreateProgramAsync();
        var enrollment = await Api.AdmitNewPatientAsync(program.Id);
        await Api.SetCareTeamAsync(enrollment, "counsellor-lp", "case-manager-lp");
        var patient = await (await Api.Admin().GetAsync($"/api/v1/patients/{enrollment.PatientId}", Ct)).Read<PatientDto>();
        Assert.Equal(enrollment.PatientId, patient.Id);

        await Api.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        var checkpoint = await (await Api.Admin().GetAsync("/api/v1/audit-events/checkpoints/latest", Ct)).Read<AuditCheckpoint>();
        Assert.True(checkpoint.Sequence > 0);
        var verification = await (await Api.Admin().PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<AuditVerification>();
        Assert.True(verification.Verified, verification.Reason);

        // Hangfire's tables exist (the owner installed them) and the app wrote its recurring jobs into them.
        await using var app = await OpenAsAppAsync();
        var hangfire = Api.Engine == DatabaseEngine.Postgres ? "hangfire.set" : "[HangFire].[Set]";
        Assert.True(await app.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {hangfire} WHERE {Quote("key")} = 'recurring-jobs'") > 0);
    }

    [Fact]
    public async Task The_app_role_owns_nothing_and_is_no_superuser()
    {
        await using var app = await OpenAsAppAsync();
        if (Api.Engine == DatabaseEngine.Postgres)
        {
            Assert.Equal(0, await app.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user"));
            Assert.False(await app.ExecuteScalarAsync<bool>("SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = current_user"));
            Assert.NotEqual(0, await app.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_tables WHERE schemaname IN ('public', 'hangfire')"));
        }
        else
        {
            Assert.Equal(0, await app.ExecuteScalarAsync<int>("SELECT IS_ROLEMEMBER('db_owner') + IS_ROLEMEMBER('db_ddladmin') + IS_ROLEMEMBER('db_securityadmin') + IS_SRVROLEMEMBER('sysadmin')"));
            Assert.Equal(0, await app.ExecuteScalarAsync<int>("SELECT HAS_PERMS_BY_NAME(NULL, 'DATABASE', 'ALTER') + HAS_PERMS_BY_NAME('dbo.platform_audit_event', 'OBJECT', 'ALTER')"));
        }
    }

    [Theory]
    [InlineData("platform_audit_event")]
    [InlineData("platform_audit_head")]
    [InlineData("platform_audit_checkpoint")]
    [InlineData("clinical_notes_note")]
    public async Task The_app_role_cannot_switch_a_trigger_off(string table)
    {
        var sql = Api.Engine == DatabaseEngine.Postgres ? $"ALTER TABLE {table} DISABLE TRIGGER ALL" : $"DISABLE TRIGGER ALL ON dbo.{table}";
        var refused = await RefusedAsync(sql);
        Assert.True(IsPrivilegeError(refused), refused.Message);
    }

    [Fact]
    public async Task The_app_role_cannot_turn_on_replica_mode_that_skips_triggers()
    {
        if (Api.Engine != DatabaseEngine.Postgres)
        {
            return; // SQL Server has no session-wide trigger switch; DISABLE TRIGGER is the one above.
        }
        var refused = await RefusedAsync("SET session_replication_role = replica");
        Assert.Contains("permission denied", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("DELETE FROM platform_audit_event")]
    [InlineData("UPDATE platform_audit_event SET actor_id = 'someone-else'")]
    [InlineData("DELETE FROM platform_audit_checkpoint")]
    [InlineData("DELETE FROM platform_audit_head")]
    public async Task The_app_role_lacks_the_privilege_to_rewrite_the_audit_trail(string sql)
    {
        // Refused by the missing privilege itself, before any trigger runs: a trigger switched off would not help.
        var refused = await RefusedAsync(sql);
        Assert.True(IsPrivilegeError(refused), refused.Message);
        Assert.DoesNotContain("append-only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_role_only_reads_the_migration_journals()
    {
        var refused = await RefusedAsync("DELETE FROM platform_schema_versions");
        Assert.True(IsPrivilegeError(refused), refused.Message);
    }

    private async Task<DbException> RefusedAsync(string sql)
    {
        await using var app = await OpenAsAppAsync();
        return await Assert.ThrowsAnyAsync<DbException>(() => app.ExecuteAsync(sql));
    }

    /// <summary>PostgreSQL 42501 "permission denied" / "must be owner"; SQL Server 229/1088/4902 and kin ("permission").</summary>
    private static bool IsPrivilegeError(DbException e) => e switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.InsufficientPrivilege,
        SqlException ms => ms.Message.Contains("permission", StringComparison.OrdinalIgnoreCase) || ms.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private string Quote(string name) => Api.Engine == DatabaseEngine.Postgres ? $"\"{name}\"" : $"[{name}]";

    /// <summary>The API's own connection: the app role.</summary>
    private async Task<DbConnection> OpenAsAppAsync() => await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
}

/// <summary>A database owned by its own role; the API runs as the app role with the real Hangfire storage.</summary>
public abstract class LeastPrivilegeApi : ApiFactory
{
    protected LeastPrivilegeApi(DatabaseEngine engine)
        : base(engine)
    {
        SeparateOwner = true;
        Set("Hangfire:Storage", "Auto");
    }
}

public sealed class LeastPrivilegePostgresApi() : LeastPrivilegeApi(DatabaseEngine.Postgres);

public sealed class LeastPrivilegeSqlServerApi() : LeastPrivilegeApi(DatabaseEngine.SqlServer);

public sealed class LeastPrivilegeTestsOnPostgres(LeastPrivilegePostgresApi api) : LeastPrivilegeTests<LeastPrivilegePostgresApi>(api), IClassFixture<LeastPrivilegePostgresApi>;

public sealed class LeastPrivilegeTestsOnSqlServer(LeastPrivilegeSqlServerApi api) : LeastPrivilegeTests<LeastPrivilegeSqlServerApi>(api), IClassFixture<LeastPrivilegeSqlServerApi>;
