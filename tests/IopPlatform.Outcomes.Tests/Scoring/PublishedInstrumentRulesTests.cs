using IopPlatform.Outcomes.Features.Measures;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Scoring;

/// <summary>Issue 18 item 5: the BAM's item constraints, the PCL-5 DSM-5 cluster rule and the PCL-5 change wording.</summary>
public sealed class PublishedInstrumentRulesTests
{
    private static readonly int[] CalmBam = [1, 1, 1, 2, 1, 0, 0, 0, 3, 3, 0, 3, 3, 4, 0, 3, 0];

    private static int[] Bam(int item4, int item5, int item14)
    {
        var answers = (int[])CalmBam.Clone();
        (answers[3], answers[4], answers[13]) = (item4, item5, item14);
        return answers;
    }

    // BAM item 14 ("Do you attend religious/spiritual activities?") is No = 0 / Yes = 4; item 5 counts heavy-drinking
    // days, a subset of item 4's drinking days. Source: Cacciola JS et al., Development and initial evaluation of the
    // Brief Addiction Monitor, J Subst Abuse Treat 2013;44(3):256–263, and the VA BAM manual (scoring sheet).
    //   item 4 | item 5 | item 14 | error on
    [Theory]
    [InlineData(2, 1, 0, null)]
    [InlineData(2, 2, 4, null)]
    [InlineData(0, 0, 4, null)]
    [InlineData(4, 4, 0, null)]
    [InlineData(2, 3, 0, "answers[4]")]
    [InlineData(0, 1, 4, "answers[4]")]
    [InlineData(2, 1, 1, "answers[13]")]
    [InlineData(2, 1, 2, "answers[13]")]
    [InlineData(2, 1, 3, "answers[13]")]
    public void Bam_item14_is_0_or_4_and_item5_is_not_above_item4(int item4, int item5, int item14, string? errorField)
    {
        var errors = MeasureScoring.Validate("bam", Bam(item4, item5, item14), null);
        if (errorField is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal(errorField, Assert.Single(errors).Field);
        }
    }

    // PCL-5 DSM-5 provisional diagnosis: an item rated 2 ("moderately") or higher is endorsed; at least 1 B item (1–5),
    // 1 C item (6–7), 2 D items (8–14) and 2 E items (15–20). Source: Weathers FW et al., The PTSD Checklist for DSM-5
    // (PCL-5), National Center for PTSD, 2013 (scoring instructions); American Psychiatric Association, DSM-5 (2013).
    //   B endorsed | C | D | E | rating of endorsed items | cluster rule met
    [Theory]
    [InlineData(1, 1, 2, 2, 2, true)]
    [InlineData(5, 2, 7, 6, 4, true)]
    [InlineData(0, 1, 2, 2, 4, false)]
    [InlineData(1, 0, 2, 2, 4, false)]
    [InlineData(1, 1, 1, 2, 4, false)]
    [InlineData(1, 1, 2, 1, 4, false)]
    [InlineData(1, 1, 2, 2, 1, false)]
    public void Pcl5_reports_the_dsm5_cluster_rule_beside_the_cut_off(int b, int c, int d, int e, int rating, bool met)
    {
        var answers = new int[20];
        void Endorse(int first, int count)
        {
            for (var i = 0; i < count; i++)
            {
                answers[first - 1 + i] = rating;
            }
        }
        Endorse(1, b);
        Endorse(6, c);
        Endorse(8, d);
        Endorse(15, e);
        var score = MeasureScoring.Score("pcl5", answers);
        Assert.Equal(met, score.Flags.Contains(MeasureWords.Pcl5Dsm5ClusterFlag));
    }

    [Fact]
    public void Pcl5_cut_off_and_cluster_rule_are_independent()
    {
        // All 20 items at 1: total 20, nothing endorsed; 6 items at 4 across the clusters: total 24, rule met below the cut-off.
        var mild = MeasureScoring.Score("pcl5", Enumerable.Repeat(1, 20).ToArray());
        Assert.Equal(("below_threshold", false), (mild.Band, mild.Flags.Contains(MeasureWords.Pcl5Dsm5ClusterFlag)));
        int[] focal = [4, 0, 0, 0, 0, 4, 0, 4, 4, 0, 0, 0, 0, 0, 4, 4, 0, 0, 0, 0];
        var clustered = MeasureScoring.Score("pcl5", focal);
        Assert.Equal(("below_threshold", true), (clustered.Band, clustered.Flags.Contains(MeasureWords.Pcl5Dsm5ClusterFlag)));
    }

    // PCL-5: 10 points is the minimal clinically important difference (National Center for PTSD, "Using the PCL-5");
    // reliable change is larger (15–18 points in the literature, e.g. Marx BP et al. 2022), so a 10-point change is
    // "clinically meaningful", never "reliable". PHQ-9 (5, Kroenke 2001/2002) and GAD-7 (4) keep their reliable change.
    //   instrument | baseline | score | reliable change | clinically meaningful change
    [Theory]
    [InlineData("pcl5", 50, 40, null, "improved")]
    [InlineData("pcl5", 50, 41, null, "no_change")]
    [InlineData("pcl5", 30, 39, null, "no_change")]
    [InlineData("pcl5", 30, 40, null, "worsened")]
    [InlineData("phq9", 10, 5, "improved", null)]
    [InlineData("gad7", 5, 9, "worsened", null)]
    public void Pcl5_ten_points_is_clinically_meaningful_not_reliable(string instrument, int baseline, int score, string? reliable, string? meaningful) =>
        Assert.Equal((reliable, meaningful),
            (MeasureScoring.ReliableChange(instrument, baseline, score, isBaseline: false), MeasureScoring.MeaningfulChange(instrument, baseline, score, isBaseline: false)));
}
