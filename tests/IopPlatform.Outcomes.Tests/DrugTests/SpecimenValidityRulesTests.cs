using IopPlatform.Outcomes.Features.DrugTests;
using Xunit;

namespace IopPlatform.Outcomes.Tests.DrugTests;

/// <summary>Issue 18 item 4: specimen validity and presumptive results, as a table over the pure rule.</summary>
public sealed class SpecimenValidityRulesTests
{
    private static AnalyteResult[] Parse(string analytes) =>
        analytes.Length == 0 ? [] : analytes.Split(',').Select(a => a.Split('=')).Select(p => new AnalyteResult(p[0], p[1])).ToArray();

    // Sources:
    // - Adulterated or substituted specimen = refusal to test: HHS Mandatory Guidelines for Federal Workplace Drug Testing
    //   Programs (SAMHSA, 82 FR 7920, 2017, Sections 1.5 and 3.8) and 49 CFR 40.191(b); dilute (creatinine ≥ 2 and
    //   < 20 mg/dL with specific gravity > 1.0010 and < 1.0030) is a validity result reported with the drug result.
    // - Negative-dilute → recollect, not a positive; positive-dilute is a positive: 49 CFR 40.197(a)–(b).
    // - Point-of-care immunoassay positives are presumptive until a confirmatory (lab, GC/LC-MS) test: ASAM, Appropriate
    //   Use of Drug Testing in Clinical Addiction Medicine (J Addict Med 2017;11(3):163–173); SAMHSA TAP 32 (2012).
    //   status    | reason      | dilute | method        | analytes                    | prescribed     | overall             | needs confirmation
    [Theory]
    [InlineData("invalid", "adulterated", false, "lab", "", "", "refused", false)]
    [InlineData("invalid", "substituted", false, "point_of_care", "", "", "refused", false)]
    [InlineData("invalid", "dilute", false, "lab", "", "", "recollect", false)]
    [InlineData("resulted", null, true, "lab", "cocaine=negative,opiates=negative", "", "recollect", false)]
    [InlineData("resulted", null, true, "lab", "cocaine=positive,opiates=negative", "", "positive_unexpected", false)]
    [InlineData("resulted", null, true, "lab", "buprenorphine=positive", "buprenorphine", "positive_expected", false)]
    [InlineData("resulted", null, false, "lab", "cocaine=negative", "", "negative", false)]
    [InlineData("resulted", null, false, "point_of_care", "cocaine=negative", "", "negative", false)]
    [InlineData("resulted", null, false, "point_of_care", "cocaine=positive", "", "positive_unexpected", true)]
    [InlineData("resulted", null, false, "lab", "cocaine=positive", "", "positive_unexpected", false)]
    [InlineData("resulted", null, false, "point_of_care", "buprenorphine=positive", "buprenorphine", "positive_expected", false)]
    [InlineData("resulted", null, false, "lab", "fentanyl=inconclusive", "", "negative", true)]
    [InlineData("refused", null, false, "lab", "", "", "refused", false)]
    [InlineData("missed", null, false, "lab", "", "", "missed", false)]
    public void Validity_and_method_decide_the_overall_result(
        string status, string? invalidReason, bool dilute, string method, string analytes, string prescribed, string overall, bool needsConfirmation)
    {
        var prescriptions = prescribed.Length == 0 ? [] : prescribed.Split(',');
        var judged = DrugTestRules.Judge(new SpecimenFacts(status, invalidReason, dilute, method), Parse(analytes), prescriptions);
        Assert.Equal((overall, needsConfirmation), (judged.Overall, judged.NeedsConfirmation));
    }

    // A recollect neither shows nor breaks abstinence; a refusal (adulterated/substituted) breaks it.
    [Theory]
    [InlineData("recollect", false, false)]
    [InlineData("refused", true, false)]
    [InlineData("negative", false, true)]
    public void Recollect_is_neither_qualifying_nor_disqualifying(string overall, bool disqualifying, bool qualifying) =>
        Assert.Equal((disqualifying, qualifying), (DrugTestWords.Disqualifying.Contains(overall), DrugTestWords.Qualifying.Contains(overall)));
}
