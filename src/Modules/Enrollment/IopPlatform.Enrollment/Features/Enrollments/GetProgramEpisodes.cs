namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Answers cohort reports (Outcomes) with a program's admitted episodes in one query.</summary>
internal sealed class GetProgramEpisodesHandler(IDbConnectionFactory db) : IRequestHandler<GetProgramEpisodesQuery, IReadOnlyList<ProgramEpisodeDto>>
{
    // The instants come from the status history: the admission and discharge dates are dates of record, while
    // abstinence and retention windows in Outcomes count from when the transition happened.
    private const string Select = """
        SELECT e.id AS EnrollmentId, e.patient_id AS PatientId, e.program_id AS ProgramId, p.site_id AS SiteId, e.status AS Status,
               e.age_group AS AgeGroup, e.admission_date AS AdmissionDate, e.discharge_date AS DischargeDate, e.discharge_reason AS DischargeReason,
               (SELECT MIN(h.changed_at) FROM enrollment_status_history h WHERE h.enrollment_id = e.id AND h.to_status = 'active') AS AdmittedAt,
               (SELECT MAX(h.changed_at) FROM enrollment_status_history h WHERE h.enrollment_id = e.id AND h.to_status = 'discharged') AS DischargedAt
        FROM enrollment_enrollment e
        JOIN enrollment_program p ON p.id = e.program_id
        """;

    public async Task<IReadOnlyList<ProgramEpisodeDto>> Handle(GetProgramEpisodesQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filters = new List<string> { "e.program_id = @ProgramId", "e.admission_date IS NOT NULL" };
        if (request.From is not null)
        {
            filters.Add("e.admission_date >= @From");
        }
        if (request.To is not null)
        {
            filters.Add("e.admission_date <= @To");
        }
        var sql = $"{Select} WHERE {string.Join(" AND ", filters)} ORDER BY e.admission_date, e.id";
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ProgramEpisodeDto>(new CommandDefinition(sql, request, cancellationToken: cancellationToken))).AsList();
    }
}
