using System.Globalization;

namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>A stored measure as Dapper reads it (flat columns; answers and flags as comma-separated text).</summary>
internal sealed class MeasureRow
{
    public const string Columns = """
        id, enrollment_id AS EnrollmentId, patient_id AS PatientId, program_id AS ProgramId, instrument, administered_at AS AdministeredAt,
        answers, sex, total, band, flags, bam_use AS BamUse, bam_risk AS BamRisk, bam_protective AS BamProtective, last_use_on AS LastUseOn,
        recorded_by AS RecordedBy, recorded_at AS RecordedAt
        """;

    /// <summary>The first administration of each instrument in an enrollment: the baseline for reliable change.</summary>
    public const string SelectBaselines = $"""
        SELECT {Columns} FROM outcomes_measure m
        WHERE m.enrollment_id = @EnrollmentId
          AND m.administered_at = (SELECT MIN(x.administered_at) FROM outcomes_measure x
                                   WHERE x.enrollment_id = m.enrollment_id AND x.instrument = m.instrument)
        """;

    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public Guid ProgramId { get; init; }

    public string Instrument { get; init; } = string.Empty;

    public DateTimeOffset AdministeredAt { get; init; }

    public string Answers { get; init; } = string.Empty;

    public string? Sex { get; init; }

    public int? Total { get; init; }

    public string? Band { get; init; }

    public string Flags { get; init; } = string.Empty;

    public int? BamUse { get; init; }

    public int? BamRisk { get; init; }

    public int? BamProtective { get; init; }

    public DateOnly? LastUseOn { get; init; }

    public string RecordedBy { get; init; } = string.Empty;

    public DateTimeOffset RecordedAt { get; init; }

    public static string JoinAnswers(IEnumerable<int> answers) => string.Join(',', answers.Select(a => a.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Baselines per instrument from the rows of <see cref="SelectBaselines"/> (ties broken by the earlier id).</summary>
    public static Dictionary<string, MeasureRow> BaselinesByInstrument(IEnumerable<MeasureRow> rows) =>
        rows.GroupBy(r => r.Instrument, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Id).First(), StringComparer.Ordinal);

    public MeasureResultDto ToDto(MeasureRow? baseline)
    {
        var subscales = new List<MeasureSubscaleDto>();
        if (BamUse is { } use && BamRisk is { } risk && BamProtective is { } protective)
        {
            subscales.Add(new() { Name = MeasureWords.BamUse, Score = use, Concern = use >= MeasureScoring.BamUseConcernAtLeast });
            subscales.Add(new() { Name = MeasureWords.BamRisk, Score = risk, Concern = risk >= MeasureScoring.BamRiskConcernAtLeast });
            subscales.Add(new() { Name = MeasureWords.BamProtective, Score = protective, Concern = protective <= MeasureScoring.BamProtectiveConcernAtMost });
        }
        string? reliableChange = null;
        string? meaningfulChange = null;
        if (baseline is { Total: { } baselineTotal } && Total is { } total)
        {
            reliableChange = MeasureScoring.ReliableChange(Instrument, baselineTotal, total, isBaseline: baseline.Id == Id);
            meaningfulChange = MeasureScoring.MeaningfulChange(Instrument, baselineTotal, total, isBaseline: baseline.Id == Id);
        }
        return new MeasureResultDto
        {
            Id = Id,
            EnrollmentId = EnrollmentId,
            PatientId = PatientId,
            Instrument = Instrument,
            AdministeredAt = AdministeredAt,
            Answers = Answers.Length == 0 ? [] : Answers.Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList(),
            Sex = Sex,
            Total = Total,
            Band = Band,
            Subscales = subscales,
            Flags = Flags.Length == 0 ? [] : Flags.Split(','),
            ReliableChange = reliableChange,
            ClinicallyMeaningfulChange = meaningfulChange,
            LastUseOn = LastUseOn,
            BaselineTotal = reliableChange is null && meaningfulChange is null ? null : baseline?.Total,
            RecordedBy = RecordedBy,
            RecordedAt = RecordedAt,
        };
    }
}
