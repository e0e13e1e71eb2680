using IopPlatform.Outcomes.Features.Measures;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Scoring;

/// <summary>Every band boundary of every instrument (the published scoring of each instrument, Outcomes README), on both sides, plus the validation of item answers.</summary>
public sealed class MeasureScoringTests
{
    /// <summary>Answers summing to <paramref name="total"/>, filled item by item up to <paramref name="max"/>, with item <paramref name="zeroItem"/> (1-based) kept 0.</summary>
    private static int[] AnswersFor(int count, int max, int total, int? zeroItem = null)
    {
        var answers = new int[count];
        var left = total;
        for (var i = 0; i < count && left > 0; i++)
        {
            if (zeroItem == i + 1)
            {
                continue;
            }
            answers[i] = Math.Min(max, left);
            left -= answers[i];
        }
        Assert.Equal(0, left);
        return answers;
    }

    [Theory]
    [InlineData(0, "minimal")]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "moderately_severe")]
    [InlineData(19, "moderately_severe")]
    [InlineData(20, "severe")]
    [InlineData(24, "severe")]
    public void Phq9_bands_at_every_boundary(int total, string band)
    {
        // Item 9 left at 0 so the band alone is under test (24 is the highest total with item 9 = 0).
        var score = MeasureScoring.Score(Instrument.Phq9, AnswersFor(9, 3, total, zeroItem: 9));

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
        Assert.False(score.SafetyConcern);
        Assert.Empty(score.Flags);
    }

    [Fact]
    public void Phq9_maximum_is_27_severe()
    {
        var score = MeasureScoring.Score(Instrument.Phq9, [3, 3, 3, 3, 3, 3, 3, 3, 3]);
        Assert.Equal(27, score.Total);
        Assert.Equal("severe", score.Band);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Phq9_item9_above_zero_raises_the_safety_flag_whatever_the_total(int item9, bool flagged)
    {
        var score = MeasureScoring.Score(Instrument.Phq9, [0, 0, 0, 0, 0, 0, 0, 0, item9]);

        Assert.Equal(flagged, score.SafetyConcern);
        Assert.Equal(flagged, score.Flags.Contains("suicidal_ideation"));
        Assert.Equal("minimal", score.Band);
    }

    [Theory]
    [InlineData(0, "minimal")]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "severe")]
    [InlineData(21, "severe")]
    public void Gad7_bands_at_every_boundary(int total, string band)
    {
        var score = MeasureScoring.Score(Instrument.Gad7, AnswersFor(7, 3, total));

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
        Assert.Empty(score.Flags);
    }

    [Theory]
    [InlineData("male", 2, "negative")]
    [InlineData("male", 3, "negative")]
    [InlineData("male", 4, "positive")]
    [InlineData("male", 7, "positive")]
    [InlineData("male", 8, "high_risk")]
    [InlineData("male", 12, "high_risk")]
    [InlineData("female", 2, "negative")]
    [InlineData("female", 3, "positive")]
    [InlineData("female", 4, "positive")]
    [InlineData("female", 7, "positive")]
    [InlineData("female", 8, "high_risk")]
    [InlineData("other", 2, "negative")]
    [InlineData("other", 3, "positive")]
    [InlineData("other", 8, "high_risk")]
    public void AuditC_positive_cut_off_depends_on_sex_and_8_is_high_risk(string sex, int total, string band)
    {
        var score = MeasureScoring.Score(Instrument.AuditC, AnswersFor(3, 4, total), sex);

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
        Assert.Equal(band != "negative", score.Flags.Contains("audit_c_positive"));
        Assert.Equal(band == "high_risk", score.Flags.Contains("audit_c_high_risk"));
    }

    [Theory]
    [InlineData(33, 32, "below_threshold")]
    [InlineData(33, 33, "provisional_ptsd")]
    [InlineData(33, 34, "provisional_ptsd")]
    [InlineData(31, 30, "below_threshold")]
    [InlineData(31, 31, "provisional_ptsd")]
    [InlineData(32, 31, "below_threshold")]
    [InlineData(32, 32, "provisional_ptsd")]
    [InlineData(33, 0, "below_threshold")]
    [InlineData(33, 80, "provisional_ptsd")]
    public void Pcl5_provisional_ptsd_at_or_above_the_configured_cut_off(int threshold, int total, string band)
    {
        var score = MeasureScoring.Score(Instrument.Pcl5, AnswersFor(20, 4, total), pcl5Threshold: threshold);

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
        Assert.Equal(band == "provisional_ptsd", score.Flags.Contains("provisional_ptsd"));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(34)]
    public void Pcl5_cut_off_outside_31_to_33_is_refused(int threshold) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MeasureScoring.Score(Instrument.Pcl5, new int[20], pcl5Threshold: threshold));

    /// <summary>A BAM form with the given answers on chosen items (1-based) and 0 elsewhere.</summary>
    private static int[] Bam(params (int Item, int Answer)[] items)
    {
        var answers = new int[17];
        foreach (var (item, answer) in items)
        {
            answers[item - 1] = answer;
        }
        return answers;
    }

    public static TheoryData<int[], int, bool> BamUseCases => new()
    {
        { Bam(), 0, false },
        { Bam((4, 1)), 1, true },
        { Bam((4, 1), (5, 1)), 2, true },
        { Bam((6, 1)), 1, true },
        { Bam((4, 4), (5, 4), (6, 4)), 12, true },
        // Items outside the Use subscale never count towards it.
        { Bam((1, 4), (7, 4), (17, 4)), 0, false },
    };

    [Theory]
    [MemberData(nameof(BamUseCases))]
    public void Bam_use_is_items_4_5_6_with_concern_from_1(int[] answers, int use, bool concern)
    {
        var score = MeasureScoring.Score(Instrument.Bam, answers);

        var subscale = score.Subscales.Single(s => s.Name == "use");
        Assert.Equal(use, subscale.Score);
        Assert.Equal(concern, subscale.Concern);
        Assert.Equal(concern, score.Flags.Contains("bam_use_concern"));
        Assert.Null(score.Total);
        Assert.Null(score.Band);
    }

    public static TheoryData<int[], int, bool> BamRiskCases => new()
    {
        { Bam((1, 4), (2, 4), (3, 3)), 11, false },
        { Bam((1, 4), (2, 4), (3, 4)), 12, true },
        { Bam((8, 2), (11, 2), (15, 2), (1, 2), (2, 2), (3, 1)), 11, false },
        { Bam((8, 2), (11, 2), (15, 2), (1, 2), (2, 2), (3, 2)), 12, true },
        { Bam((1, 4), (2, 4), (3, 4), (8, 4), (11, 4), (15, 4)), 24, true },
        // Protective and unscored items do not leak into Risk.
        { Bam((9, 4), (10, 4), (12, 4), (7, 4), (17, 4)), 0, false },
    };

    [Theory]
    [MemberData(nameof(BamRiskCases))]
    public void Bam_risk_is_items_1_2_3_8_11_15_with_concern_from_12(int[] answers, int risk, bool concern)
    {
        var score = MeasureScoring.Score(Instrument.Bam, answers);

        var subscale = score.Subscales.Single(s => s.Name == "risk");
        Assert.Equal(risk, subscale.Score);
        Assert.Equal(concern, subscale.Concern);
        Assert.Equal(concern, score.Flags.Contains("bam_risk_concern"));
    }

    public static TheoryData<int[], int, bool> BamProtectiveCases => new()
    {
        { Bam(), 0, true },
        { Bam((9, 4), (10, 4), (12, 4)), 12, true },
        { Bam((9, 4), (10, 4), (12, 4), (13, 1)), 13, false },
        { Bam((13, 2), (14, 4), (16, 2), (9, 2), (10, 2), (12, 0)), 12, true },
        { Bam((13, 2), (14, 4), (16, 2), (9, 2), (10, 2), (12, 1)), 13, false },
        { Bam((9, 4), (10, 4), (12, 4), (13, 4), (14, 4), (16, 4)), 24, false },
        // Item 17 is unscored, item 7 belongs to no subscale.
        { Bam((17, 4), (7, 4), (9, 4), (10, 4), (12, 4)), 12, true },
    };

    [Theory]
    [MemberData(nameof(BamProtectiveCases))]
    public void Bam_protective_is_items_9_10_12_13_14_16_with_concern_at_or_below_12(int[] answers, int protective, bool concern)
    {
        var score = MeasureScoring.Score(Instrument.Bam, answers);

        var subscale = score.Subscales.Single(s => s.Name == "protective");
        Assert.Equal(protective, subscale.Score);
        Assert.Equal(concern, subscale.Concern);
        Assert.Equal(concern, score.Flags.Contains("bam_protective_concern"));
    }

    public static TheoryData<string, int[], string?, string, string> InvalidCases => new()
    {
        { "phq9", new int[8], null, "answers", "PHQ-9 needs exactly 9 answers; got 8." },
        { "phq9", new int[10], null, "answers", "PHQ-9 needs exactly 9 answers; got 10." },
        { "phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], null, "answers[3]", "PHQ-9 item 4 must be between 0 and 3; got 4." },
        { "phq9", [0, 0, 0, 0, 0, 0, 0, 0, -1], null, "answers[8]", "PHQ-9 item 9 must be between 0 and 3; got -1." },
        { "gad7", new int[9], null, "answers", "GAD-7 needs exactly 7 answers; got 9." },
        { "gad7", [0, 0, 0, 0, 0, 0, 4], null, "answers[6]", "GAD-7 item 7 must be between 0 and 3; got 4." },
        { "bam", new int[16], null, "answers", "BAM needs exactly 17 answers; got 16." },
        { "bam", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], null, "answers[16]", "BAM item 17 must be between 0 and 4; got 5." },
        { "audit_c", [0, 0, 5], "male", "answers[2]", "AUDIT-C item 3 must be between 0 and 4; got 5." },
        { "audit_c", [1, 1, 1], null, "sex", "AUDIT-C cut-offs depend on sex: send one of male, female, other." },
        { "audit_c", [1, 1, 1], "M", "sex", "AUDIT-C cut-offs depend on sex: send one of male, female, other." },
        { "pcl5", new int[19], null, "answers", "PCL-5 needs exactly 20 answers; got 19." },
        { "pcl5", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], null, "answers[19]", "PCL-5 item 20 must be between 0 and 4; got 5." },
        { "phq-9", new int[9], null, "instrument", "Instrument must be one of: phq9, gad7, bam, audit_c, pcl5." },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_answers_are_named_precisely_and_never_scored(string instrument, int[] answers, string? sex, string field, string message)
    {
        var error = Assert.Single(MeasureScoring.Validate(instrument, answers, sex));
        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
        Assert.ThrowsAny<ArgumentException>(() => MeasureScoring.Score(instrument, answers, sex));
    }

    [Fact]
    public void Missing_answers_are_a_count_error()
    {
        var error = Assert.Single(MeasureScoring.Validate("gad7", null, null));
        Assert.Equal("answers", error.Field);
    }

    [Theory]
    // PHQ-9: drop >= 5 improves, rise >= 5 worsens.
    [InlineData("phq9", 20, 15, "improved")]
    [InlineData("phq9", 20, 16, "no_reliable_change")]
    [InlineData("phq9", 10, 14, "no_reliable_change")]
    [InlineData("phq9", 10, 15, "worsened")]
    // GAD-7: 4 points.
    [InlineData("gad7", 12, 8, "improved")]
    [InlineData("gad7", 12, 9, "no_reliable_change")]
    [InlineData("gad7", 5, 8, "no_reliable_change")]
    [InlineData("gad7", 5, 9, "worsened")]
    // PCL-5: no reliable-change rule (its 10 points are clinically meaningful: PublishedInstrumentRulesTests).
    public void Reliable_change_against_baseline(string instrument, int baseline, int score, string expected) =>
        Assert.Equal(expected, MeasureScoring.ReliableChange(instrument, baseline, score, isBaseline: false));

    [Theory]
    [InlineData("phq9", "baseline")]
    [InlineData("bam", null)]
    [InlineData("audit_c", null)]
    public void The_baseline_itself_and_instruments_without_a_rule(string instrument, string? expected) =>
        Assert.Equal(expected, MeasureScoring.ReliableChange(instrument, 10, 10, isBaseline: true));
}
