using IopPlatform.Outcomes.Features.DrugTests;
using Xunit;

namespace IopPlatform.Outcomes.Tests.DrugTests;

public sealed class DrugTestRulesTests
{
    private static AnalyteResult[] Parse(string analytes) =>
        analytes.Length == 0 ? [] : analytes.Split(',').Select(a => a.Split('=')).Select(p => new AnalyteResult(p[0], p[1])).ToArray();

    [Theory]
    [InlineData("resulted", "cocaine=negative,opiates=negative", "", "negative")]
    [InlineData("resulted", "cocaine=negative,opiates=inconclusive", "", "negative")]
    [InlineData("resulted", "buprenorphine=positive", "buprenorphine", "positive_expected")]
    [InlineData("resulted", "buprenorphine=positive,methadone=positive", "buprenorphine,methadone", "positive_expected")]
    [InlineData("resulted", "buprenorphine=positive,cocaine=positive", "buprenorphine", "positive_unexpected")]
    [InlineData("resulted", "fentanyl=positive", "", "positive_unexpected")]
    [InlineData("resulted", "fentanyl=positive", "buprenorphine", "positive_unexpected")]
    [InlineData("resulted", "buprenorphine=negative,cocaine=negative", "buprenorphine", "negative")]
    [InlineData("refused", "", "", "refused")]
    [InlineData("missed", "", "buprenorphine", "missed")]
    public void Overall_result_compares_positives_with_prescriptions(string status, string analytes, string prescribed, string expected)
    {
        var prescriptions = prescribed.Length == 0 ? [] : prescribed.Split(',');
        Assert.Equal(expected, DrugTestRules.Overall(status, Parse(analytes), prescriptions));
    }
}
