namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// IN lists with one parameter per value, spelled the same on every engine: Dapper's own <c>IN @list</c> expansion
/// sends an array on Npgsql, which <c>IN</c> does not take. Callers chunk to <see cref="ChunkSize"/> values.
/// </summary>
public static class SqlList
{
    /// <summary>Under every engine's parameter limit (SQL Server: 2,100 per statement).</summary>
    public const int ChunkSize = 1000;

    /// <summary><c>column IN (@p0, @p1, …)</c>, or a predicate that is never true for an empty list.</summary>
    public static string In<T>(string column, IEnumerable<T> values, string prefix, DynamicParameters parameters)
    {
        var list = Parameters(values, prefix, parameters);
        return list.Length == 0 ? "1 = 0" : $"{column} IN ({list})";
    }

    /// <summary><c>@p0, @p1, …</c> with the values added to <paramref name="parameters"/>.</summary>
    public static string Parameters<T>(IEnumerable<T> values, string prefix, DynamicParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(parameters);
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"{prefix}{names.Count}";
            parameters.Add(name, value);
            names.Add("@" + name);
        }
        return string.Join(", ", names);
    }
}
