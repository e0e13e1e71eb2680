using IopPlatform.Outcomes.Features.Milestones;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Milestones;

/// <summary>
/// Issue 18 item 2: improved emotional well-being is not met while any instrument in use worsened reliably (or, for the
/// PCL-5, by a clinically meaningful amount), nor while the latest PHQ-9 has item 9 above zero.
/// </summary>
public sealed class EmotionalWellbeingRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>"10>23" is a baseline of 10 then 23, a week apart; a trailing "!" marks item 9 above zero on that score.</summary>
    private static List<ScoreFact> Scores(string series) =>
        series.Length == 0 ? [] : series.Split('>').Select((s, i) => new ScoreFact(Guid.CreateVersion7(), Now.AddDays(-70 + (7 * i)), int.Parse(s.TrimEnd('!'), System.Globalization.CultureInfo.InvariantCulture), s.EndsWith('!'))).ToList();

    // Reliable change: PHQ-9 5 points (Kroenke & Spitzer 2002; Löwe et al. 2004), GAD-7 4 points (NHS Talking Therapies
    // reliable-change criterion); PCL-5 10 points as the minimal clinically important difference (National Center for
    // PTSD). PHQ-9 item 9 above zero calls for a suicide-risk assessment (Kroenke 2001), so well-being is not "improved".
    //   PHQ-9        | GAD-7   | PCL-5   | met   | basis
    [Theory]
    [InlineData("10>23", "12>8", "", false, "reliable worsening")]
    [InlineData("10>15", "12>8", "", false, "reliable worsening")]
    [InlineData("10>14", "12>8", "", true, "reliable improvement")]
    [InlineData("20>15", "9>13", "", false, "reliable worsening")]
    [InlineData("20>15", "9>12", "", true, "reliable improvement")]
    [InlineData("20>15!", "", "", false, "item 9")]
    [InlineData("9!", "", "", false, "item 9")]
    [InlineData("20!>15", "", "", true, "reliable improvement")]
    [InlineData("8>4", "", "30>40", false, "worsening")]
    [InlineData("8>4", "", "30>39", true, "below the moderate band")]
    [InlineData("8>4", "", "40>30", true, "below the moderate band")]
    public void Worsening_or_a_current_item9_answer_blocks_the_milestone(string phq9, string gad7, string pcl5, bool met, string basis)
    {
        var result = MilestoneRules.EmotionalWellbeing(Scores(phq9), Scores(gad7), Scores(pcl5));
        Assert.Equal(met, result.Met);
        Assert.Contains(basis, result.Basis, StringComparison.Ordinal);
    }
}
