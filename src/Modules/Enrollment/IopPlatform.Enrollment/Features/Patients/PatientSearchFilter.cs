namespace IopPlatform.Enrollment.Features.Patients;

/// <summary>The search criteria of a patient search as SQL over <c>enrollment_patient p</c>: one meaning for /api/v1 and FHIR.</summary>
internal static class PatientSearchFilter
{
    public static List<string> Build(ISqlDialect dialect, DynamicParameters parameters, string? name, DateOnly? dateOfBirth, string? identifier, Guid? after)
    {
        var filters = new List<string>();
        if (!string.IsNullOrWhiteSpace(name))
        {
            parameters.Add("Name", name.Trim());
            filters.Add($"({dialect.ContainsIgnoreCase("p.given_name", "@Name")} OR {dialect.ContainsIgnoreCase("p.family_name", "@Name")})");
        }
        if (dateOfBirth is { } dob)
        {
            parameters.Add("DateOfBirth", dob);
            filters.Add("p.date_of_birth = @DateOfBirth");
        }
        if (!string.IsNullOrWhiteSpace(identifier))
        {
            var trimmed = identifier.Trim();
            var bar = trimmed.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0)
            {
                parameters.Add("IdSystem", trimmed[..bar]);
                parameters.Add("IdValue", trimmed[(bar + 1)..]);
                filters.Add("EXISTS (SELECT 1 FROM enrollment_patient_identifier i WHERE i.patient_id = p.id AND i.system = @IdSystem AND i.value = @IdValue)");
            }
            else
            {
                parameters.Add("IdValue", trimmed);
                filters.Add("(p.mrn = @IdValue OR EXISTS (SELECT 1 FROM enrollment_patient_identifier i WHERE i.patient_id = p.id AND i.value = @IdValue))");
            }
        }
        if (after is { } last)
        {
            parameters.Add("After", last);
            filters.Add("p.id > @After");
        }
        return filters;
    }
}
