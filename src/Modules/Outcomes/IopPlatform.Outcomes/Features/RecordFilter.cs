namespace IopPlatform.Outcomes.Features;

/// <summary>The filters the record reads for other modules share: one id or a patient, a time window, a cursor.</summary>
internal static class RecordFilter
{
    public static List<string> Build(DynamicParameters parameters, string alias, string timeColumn, Guid? id, Guid? patientId, DateTimeOffset? from, DateTimeOffset? before, Guid? after)
    {
        var filters = new List<string>();
        if (id is { } one)
        {
            parameters.Add("Id", one);
            filters.Add($"{alias}.id = @Id");
        }
        if (patientId is { } patient)
        {
            parameters.Add("PatientId", patient);
            filters.Add($"{alias}.patient_id = @PatientId");
        }
        if (from is { } start)
        {
            parameters.Add("From", start.ToUniversalTime());
            filters.Add($"{timeColumn} >= @From");
        }
        if (before is { } end)
        {
            parameters.Add("Before", end.ToUniversalTime());
            filters.Add($"{timeColumn} < @Before");
        }
        if (after is { } last)
        {
            parameters.Add("After", last);
            filters.Add($"{alias}.id > @After");
        }
        return filters;
    }

    public static string Where(List<string> filters) => filters.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", filters);
}
