namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>Instrument codes as they travel on the wire and in the database.</summary>
internal static class Instrument
{
    public const string Phq9 = "phq9";
    public const string Gad7 = "gad7";
    public const string Bam = "bam";
    public const string AuditC = "audit_c";
    public const string Pcl5 = "pcl5";

    public static readonly IReadOnlyList<string> All = [Phq9, Gad7, Bam, AuditC, Pcl5];

    public static bool IsKnown(string? code) => code is not null && All.Contains(code, StringComparer.Ordinal);
}

/// <summary>Band, flag and reliable-change words (snake_case, as the API speaks).</summary>
internal static class MeasureWords
{
    public const string Minimal = "minimal";
    public const string Mild = "mild";
    public const string Moderate = "moderate";
    public const string ModeratelySevere = "moderately_severe";
    public const string Severe = "severe";
    public const string Negative = "negative";
    public const string Positive = "positive";
    public const string HighRisk = "high_risk";
    public const string BelowThreshold = "below_threshold";
    public const string ProvisionalPtsd = "provisional_ptsd";

    public const string SuicidalIdeationFlag = "suicidal_ideation";
    public const string BamUseConcernFlag = "bam_use_concern";
    public const string BamRiskConcernFlag = "bam_risk_concern";
    public const string BamProtectiveConcernFlag = "bam_protective_concern";
    public const string AuditCPositiveFlag = "audit_c_positive";
    public const string AuditCHighRiskFlag = "audit_c_high_risk";
    public const string ProvisionalPtsdFlag = "provisional_ptsd";

    /// <summary>PCL-5 DSM-5 cluster rule met (B ≥ 1, C ≥ 1, D ≥ 2, E ≥ 2 items rated ≥ 2), reported beside the cut-off.</summary>
    public const string Pcl5Dsm5ClusterFlag = "pcl5_dsm5_clusters_met";

    public const string BamUse = "use";
    public const string BamRisk = "risk";
    public const string BamProtective = "protective";

    public const string Baseline = "baseline";
    public const string Improved = "improved";
    public const string Worsened = "worsened";
    public const string NoReliableChange = "no_reliable_change";
    public const string NoChange = "no_change";

    public const string Male = "male";
    public const string Female = "female";
    public const string OtherSex = "other";

    public static readonly IReadOnlyList<string> Sexes = [Male, Female, OtherSex];
}

/// <param name="Code">Instrument code.</param>
/// <param name="DisplayName">Name as printed.</param>
/// <param name="ItemCount">Number of items.</param>
/// <param name="MaxAnswer">Highest answer of an item (lowest is 0).</param>
/// <param name="ReliableChangePoints">Points of reliable change (PHQ-9, GAD-7); null where none is implemented.</param>
/// <param name="MeaningfulChangePoints">Points of the minimal clinically important difference (PCL-5), reported apart from reliable change.</param>
internal sealed record InstrumentDefinition(string Code, string DisplayName, int ItemCount, int MaxAnswer, int? ReliableChangePoints, int? MeaningfulChangePoints = null);

internal sealed record SubscaleScore(string Name, int Score, bool Concern);

/// <summary>A scored administration. BAM has no total or band, only its three subscales.</summary>
internal sealed record MeasureScore(string Instrument, int? Total, string? Band, IReadOnlyList<SubscaleScore> Subscales, IReadOnlyList<string> Flags)
{
    public bool SafetyConcern => Flags.Contains(MeasureWords.SuicidalIdeationFlag);

    public int? Subscale(string name) => Subscales.FirstOrDefault(s => s.Name == name)?.Score;
}

internal sealed record ScoringError(string Field, string Message);

/// <summary>
/// Server-side scoring of the standard measures, with the bands of each instrument's published scoring (sources in the Outcomes README). Pure: no clock, no database,
/// so clinicians can check every boundary against the table tests.
/// </summary>
internal static class MeasureScoring
{
    public const int DefaultPcl5Threshold = 33;
    public const int MinPcl5Threshold = 31;
    public const int MaxPcl5Threshold = 33;

    // Item numbers are 1-based as printed on the BAM form.
    public static readonly IReadOnlyList<int> BamUseItems = [4, 5, 6];
    public static readonly IReadOnlyList<int> BamRiskItems = [1, 2, 3, 8, 11, 15];
    public static readonly IReadOnlyList<int> BamProtectiveItems = [9, 10, 12, 13, 14, 16];

    public const int BamUseConcernAtLeast = 1;
    public const int BamRiskConcernAtLeast = 12;
    public const int BamProtectiveConcernAtMost = 12;

    /// <summary>BAM item 14 (spiritual/religious support) is No = 0 or Yes = 4 (Cacciola 2013).</summary>
    public static readonly IReadOnlyList<int> BamItem14Answers = [0, 4];

    /// <summary>PCL-5 DSM-5 clusters (1-based items) and how many endorsed items each needs; an item rated ≥ 2 is endorsed.</summary>
    public static readonly IReadOnlyList<(string Cluster, int First, int Last, int Needed)> Pcl5Clusters =
        [("B", 1, 5, 1), ("C", 6, 7, 1), ("D", 8, 14, 2), ("E", 15, 20, 2)];

    public const int Pcl5EndorsedAtLeast = 2;

    public static readonly IReadOnlyDictionary<string, InstrumentDefinition> Definitions = new Dictionary<string, InstrumentDefinition>(StringComparer.Ordinal)
    {
        [Instrument.Phq9] = new(Instrument.Phq9, "PHQ-9", 9, 3, 5),
        [Instrument.Gad7] = new(Instrument.Gad7, "GAD-7", 7, 3, 4),
        [Instrument.Bam] = new(Instrument.Bam, "BAM", 17, 4, null),
        [Instrument.AuditC] = new(Instrument.AuditC, "AUDIT-C", 3, 4, null),
        [Instrument.Pcl5] = new(Instrument.Pcl5, "PCL-5", 20, 4, null, 10),
    };

    /// <summary>Why these answers cannot be scored; empty when they can. Fields match the request's JSON names.</summary>
    public static IReadOnlyList<ScoringError> Validate(string? instrument, IReadOnlyList<int>? answers, string? sex)
    {
        if (instrument is null || !Definitions.TryGetValue(instrument, out var definition))
        {
            return [new("instrument", $"Instrument must be one of: {string.Join(", ", Instrument.All)}.")];
        }
        var errors = new List<ScoringError>();
        if (answers is null || answers.Count != definition.ItemCount)
        {
            errors.Add(new("answers", $"{definition.DisplayName} needs exactly {definition.ItemCount} answers; got {answers?.Count ?? 0}."));
        }
        else
        {
            for (var i = 0; i < answers.Count; i++)
            {
                if (answers[i] < 0 || answers[i] > definition.MaxAnswer)
                {
                    errors.Add(new($"answers[{i}]", $"{definition.DisplayName} item {i + 1} must be between 0 and {definition.MaxAnswer}; got {answers[i]}."));
                }
            }
        }
        if (instrument == Instrument.Bam && errors.Count == 0)
        {
            ValidateBamItems(answers!, errors);
        }
        if (instrument == Instrument.AuditC && (sex is null || !MeasureWords.Sexes.Contains(sex, StringComparer.Ordinal)))
        {
            errors.Add(new("sex", $"AUDIT-C cut-offs depend on sex: send one of {string.Join(", ", MeasureWords.Sexes)}."));
        }
        return errors;
    }

    private static void ValidateBamItems(IReadOnlyList<int> answers, List<ScoringError> errors)
    {
        if (answers[4] > answers[3])
        {
            errors.Add(new("answers[4]", $"BAM item 5 (days of heavy drinking) cannot exceed item 4 (days of any alcohol use); got {answers[4]} above {answers[3]}."));
        }
        if (!BamItem14Answers.Contains(answers[13]))
        {
            errors.Add(new("answers[13]", $"BAM item 14 is answered No = 0 or Yes = 4; got {answers[13]}."));
        }
    }

    /// <summary>Scores answers that <see cref="Validate"/> accepted; anything else is a programming error.</summary>
    public static MeasureScore Score(string instrument, IReadOnlyList<int> answers, string? sex = null, int pcl5Threshold = DefaultPcl5Threshold)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var errors = Validate(instrument, answers, sex);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => e.Message)), nameof(answers));
        }
        if (pcl5Threshold is < MinPcl5Threshold or > MaxPcl5Threshold)
        {
            throw new ArgumentOutOfRangeException(nameof(pcl5Threshold), pcl5Threshold, "The PCL-5 cut-off is 31 to 33.");
        }
        return instrument switch
        {
            Instrument.Phq9 => ScorePhq9(answers),
            Instrument.Gad7 => ScoreGad7(answers),
            Instrument.Bam => ScoreBam(answers),
            Instrument.AuditC => ScoreAuditC(answers, sex!),
            Instrument.Pcl5 => ScorePcl5(answers, pcl5Threshold),
            _ => throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "Unknown instrument."),
        };
    }

    public static string Phq9Band(int total) => total switch
    {
        <= 4 => MeasureWords.Minimal,
        <= 9 => MeasureWords.Mild,
        <= 14 => MeasureWords.Moderate,
        <= 19 => MeasureWords.ModeratelySevere,
        _ => MeasureWords.Severe,
    };

    public static string Gad7Band(int total) => total switch
    {
        <= 4 => MeasureWords.Minimal,
        <= 9 => MeasureWords.Mild,
        <= 14 => MeasureWords.Moderate,
        _ => MeasureWords.Severe,
    };

    /// <summary>
    /// Reliable change of <paramref name="score"/> against the enrollment's first score of the same instrument;
    /// null for instruments without a reliable-change rule (BAM, AUDIT-C).
    /// </summary>
    public static string? ReliableChange(string instrument, int baseline, int score, bool isBaseline)
    {
        Definitions.TryGetValue(instrument, out var definition);
        return Change(definition?.ReliableChangePoints, baseline, score, isBaseline, MeasureWords.NoReliableChange);
    }

    /// <summary>
    /// Minimal clinically important change of <paramref name="score"/> against the first score (PCL-5: 10 points):
    /// <c>improved</c>, <c>worsened</c> or <c>no_change</c>; <c>baseline</c> for the first; null where the instrument has none.
    /// </summary>
    public static string? MeaningfulChange(string instrument, int baseline, int score, bool isBaseline)
    {
        Definitions.TryGetValue(instrument, out var definition);
        return Change(definition?.MeaningfulChangePoints, baseline, score, isBaseline, MeasureWords.NoChange);
    }

    private static string? Change(int? points, int baseline, int score, bool isBaseline, string noChange)
    {
        if (points is null)
        {
            return null;
        }
        if (isBaseline)
        {
            return MeasureWords.Baseline;
        }
        // Lower is better on every instrument that has a rule.
        var drop = baseline - score;
        return drop >= points ? MeasureWords.Improved
            : -drop >= points ? MeasureWords.Worsened
            : noChange;
    }

    private static MeasureScore ScorePhq9(IReadOnlyList<int> answers)
    {
        var total = answers.Sum();
        // Item 9 asks about thoughts of self-harm: any answer above "not at all" needs a clinician today.
        IReadOnlyList<string> flags = answers[8] > 0 ? [MeasureWords.SuicidalIdeationFlag] : [];
        return new MeasureScore(Instrument.Phq9, total, Phq9Band(total), [], flags);
    }

    private static MeasureScore ScoreGad7(IReadOnlyList<int> answers)
    {
        var total = answers.Sum();
        return new MeasureScore(Instrument.Gad7, total, Gad7Band(total), [], []);
    }

    private static MeasureScore ScoreBam(IReadOnlyList<int> answers)
    {
        int Sum(IReadOnlyList<int> items) => items.Sum(item => answers[item - 1]);
        var use = Sum(BamUseItems);
        var risk = Sum(BamRiskItems);
        var protective = Sum(BamProtectiveItems);
        var subscales = new List<SubscaleScore>
        {
            new(MeasureWords.BamUse, use, use >= BamUseConcernAtLeast),
            new(MeasureWords.BamRisk, risk, risk >= BamRiskConcernAtLeast),
            new(MeasureWords.BamProtective, protective, protective <= BamProtectiveConcernAtMost),
        };
        var flags = new List<string>();
        if (subscales[0].Concern)
        {
            flags.Add(MeasureWords.BamUseConcernFlag);
        }
        if (subscales[1].Concern)
        {
            flags.Add(MeasureWords.BamRiskConcernFlag);
        }
        if (subscales[2].Concern)
        {
            flags.Add(MeasureWords.BamProtectiveConcernFlag);
        }
        return new MeasureScore(Instrument.Bam, null, null, subscales, flags);
    }

    private static MeasureScore ScoreAuditC(IReadOnlyList<int> answers, string sex)
    {
        var total = answers.Sum();
        // Men screen positive at 4; women at 3. Anyone else gets the more sensitive cut-off: a missed positive costs more.
        var positiveAt = sex == MeasureWords.Male ? 4 : 3;
        var flags = new List<string>();
        string band;
        if (total >= 8)
        {
            band = MeasureWords.HighRisk;
            flags.Add(MeasureWords.AuditCPositiveFlag);
            flags.Add(MeasureWords.AuditCHighRiskFlag);
        }
        else if (total >= positiveAt)
        {
            band = MeasureWords.Positive;
            flags.Add(MeasureWords.AuditCPositiveFlag);
        }
        else
        {
            band = MeasureWords.Negative;
        }
        return new MeasureScore(Instrument.AuditC, total, band, [], flags);
    }

    private static MeasureScore ScorePcl5(IReadOnlyList<int> answers, int threshold)
    {
        var total = answers.Sum();
        var provisional = total >= threshold;
        var flags = new List<string>();
        if (provisional)
        {
            flags.Add(MeasureWords.ProvisionalPtsdFlag);
        }
        var clustersMet = Pcl5Clusters.All(c => Enumerable.Range(c.First, c.Last - c.First + 1).Count(item => answers[item - 1] >= Pcl5EndorsedAtLeast) >= c.Needed);
        if (clustersMet)
        {
            flags.Add(MeasureWords.Pcl5Dsm5ClusterFlag);
        }
        return new MeasureScore(Instrument.Pcl5, total, provisional ? MeasureWords.ProvisionalPtsd : MeasureWords.BelowThreshold, [], flags);
    }
}
