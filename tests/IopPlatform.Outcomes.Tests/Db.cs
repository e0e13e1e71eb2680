using System.Data.Common;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IopPlatform.Outcomes.Tests;

/// <summary>Direct reads of the test database, to assert what a request did (or did not) store.</summary>
internal static class Db
{
    public static async Task<long> Count(ApiFactory api, string sql, params (string Name, object Value)[] parameters)
    {
        await using DbConnection connection = api.Engine == DatabaseEngine.Sqlite
            ? new SqliteConnection(api.ConnectionString)
            : new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = api.Engine == DatabaseEngine.Sqlite && value is Guid g ? g.ToString("D") : value;
            command.Parameters.Add(parameter);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
