using Dapper;

namespace IopPlatform.Scheduling.Domain;

/// <summary>
/// <c>column IN (@p0, @p1, …)</c> with one parameter per value. Dapper's own <c>IN @list</c> expansion is off for
/// Npgsql (it sends an array, which <c>IN</c> does not take), so lists are spelled out the same way on every engine.
/// Callers chunk to at most 1,000 values (SQL Server takes 2,100 parameters per statement).
/// </summary>
internal static class SqlList
{
    public static string In<T>(string column, IEnumerable<T> values, string name, DynamicParameters parameters)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var parameter = $"{name}{names.Count}";
            parameters.Add(parameter, value);
            names.Add("@" + parameter);
        }
        return names.Count == 0 ? "1 = 0" : $"{column} IN ({string.Join(", ", names)})";
    }
}
