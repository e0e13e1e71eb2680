using IopPlatform.BuildingBlocks.Data;
using Npgsql;
using Xunit;

namespace IopPlatform.Api.Tests.Host;

/// <summary>PostgreSQL connections prepare hot statements unless the operator's connection string decides.</summary>
public sealed class AutoPrepareTests
{
    private const string Base = "Host=db.internal;Port=5432;Username=iop;Password=secret;Database=iop";

    private static int MaxAutoPrepare(string connectionString) =>
        new NpgsqlConnectionStringBuilder(DbConnectionFactory.WithAutoPrepare(new DatabaseOptions { Engine = DatabaseEngine.Postgres, ConnectionString = connectionString }).ConnectionString).MaxAutoPrepare;

    [Fact]
    public void Default_is_set_when_the_connection_string_is_silent() =>
        Assert.Equal(DbConnectionFactory.DefaultMaxAutoPrepare, MaxAutoPrepare(Base));

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]
    [InlineData("Max Auto Prepare=8", 8)]
    [InlineData("MaxAutoPrepare=16", 16)]
    public void The_operators_setting_wins(string setting, int expected) =>
        Assert.Equal(expected, MaxAutoPrepare($"{Base};{setting}"));

    [Fact]
    public void Other_settings_survive()
    {
        var options = DbConnectionFactory.WithAutoPrepare(new DatabaseOptions { Engine = DatabaseEngine.Postgres, ConnectionString = Base + ";Maximum Pool Size=7", MigrateOnStart = false });
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(("db.internal", "iop", 7, "secret"), (builder.Host, builder.Database, builder.MaxPoolSize, builder.Password));
        Assert.False(options.MigrateOnStart);
    }
}
