namespace IopPlatform.Enrollment.Features.Patients;

/// <summary>Names and identifiers only (minimum necessary): ClinicalNotes uses them to warn about names in shared text.</summary>
internal sealed class GetPatientNamesHandler(IDbConnectionFactory db) : IRequestHandler<GetPatientNamesQuery, IReadOnlyList<PatientNamesDto>>
{
    private sealed class NameRow
    {
        public Guid Id { get; init; }

        public string Mrn { get; init; } = string.Empty;

        public string GivenName { get; init; } = string.Empty;

        public string FamilyName { get; init; } = string.Empty;
    }

    private sealed class IdentifierRow
    {
        public Guid PatientId { get; init; }

        public string Value { get; init; } = string.Empty;
    }

    public async Task<IReadOnlyList<PatientNamesDto>> Handle(GetPatientNamesQuery request, CancellationToken cancellationToken)
    {
        var result = new List<PatientNamesDto>();
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.PatientIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var names = (await connection.QueryAsync<NameRow>(new CommandDefinition(
                $"SELECT id AS Id, mrn AS Mrn, given_name AS GivenName, family_name AS FamilyName FROM enrollment_patient WHERE {SqlList.In("id", chunk, "p", parameters)}",
                parameters, cancellationToken: cancellationToken))).AsList();
            var identifiers = (await connection.QueryAsync<IdentifierRow>(new CommandDefinition(
                $"SELECT patient_id AS PatientId, value AS Value FROM enrollment_patient_identifier WHERE {SqlList.In("patient_id", chunk, "p", parameters)}",
                parameters, cancellationToken: cancellationToken))).ToLookup(i => i.PatientId, i => i.Value);
            result.AddRange(names.Select(n => new PatientNamesDto
            {
                PatientId = n.Id,
                GivenName = n.GivenName,
                FamilyName = n.FamilyName,
                Identifiers = [n.Mrn, .. identifiers[n.Id]],
            }));
        }
        return result;
    }
}
