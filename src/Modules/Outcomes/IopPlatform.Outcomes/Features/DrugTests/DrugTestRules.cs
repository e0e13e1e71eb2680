namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>The words of a drug test as the API speaks them.</summary>
internal static class DrugTestWords
{
    public const string Urine = "urine";
    public const string OralFluid = "oral_fluid";
    public const string Breath = "breath";
    public static readonly IReadOnlyList<string> Specimens = [Urine, OralFluid, Breath];

    public const string PointOfCare = "point_of_care";
    public const string Lab = "lab";
    public static readonly IReadOnlyList<string> Methods = [PointOfCare, Lab];

    /// <summary>A specimen was collected and analysed; the analytes carry the results.</summary>
    public const string Resulted = "resulted";
    public const string Refused = "refused";
    public const string Missed = "missed";
    public const string Invalid = "invalid";
    public static readonly IReadOnlyList<string> Statuses = [Resulted, Refused, Missed, Invalid];

    public const string Adulterated = "adulterated";
    public const string Dilute = "dilute";
    public const string Substituted = "substituted";
    public static readonly IReadOnlyList<string> InvalidReasons = [Adulterated, Dilute, Substituted];

    /// <summary>A negative-dilute specimen (or a legacy <c>invalid</c>/<c>dilute</c> without results): collect again; it neither shows nor breaks abstinence.</summary>
    public const string Recollect = "recollect";

    public const string Negative = "negative";
    public const string Positive = "positive";
    public const string Inconclusive = "inconclusive";
    public static readonly IReadOnlyList<string> AnalyteResults = [Negative, Positive, Inconclusive];

    public const string PositiveExpected = "positive_expected";
    public const string PositiveUnexpected = "positive_unexpected";

    /// <summary>Overall results that break sustained abstinence (and feed the drift rules).</summary>
    public static readonly IReadOnlyList<string> Disqualifying = [PositiveUnexpected, Refused, Invalid, Missed];

    /// <summary>Overall results that count as a test showing abstinence.</summary>
    public static readonly IReadOnlyList<string> Qualifying = [Negative, PositiveExpected];
}

/// <summary>The analyte panel (codes shared with prescriptions on the enrollment).</summary>
internal static class DrugTestPanel
{
    public const string Alcohol = AnalyteCodes.Alcohol;

    public static readonly IReadOnlyList<string> Analytes = AnalyteCodes.All;

    /// <summary>A breathalyser measures ethanol and nothing else.</summary>
    public static readonly IReadOnlyList<string> BreathAnalytes = [Alcohol];

    public static bool IsOnPanel(string? code) => code is not null && Analytes.Contains(code, StringComparer.Ordinal);
}

internal sealed record AnalyteResult(string Analyte, string Result);

/// <summary>What the collection says about the specimen, apart from its analytes.</summary>
/// <param name="Status"><c>resulted</c>, <c>refused</c>, <c>missed</c> or <c>invalid</c>.</param>
/// <param name="InvalidReason">For <c>invalid</c>: <c>adulterated</c>, <c>dilute</c> or <c>substituted</c>.</param>
/// <param name="Dilute">The lab's dilute validity flag on a resulted specimen.</param>
/// <param name="Method"><c>point_of_care</c> or <c>lab</c>.</param>
internal sealed record SpecimenFacts(string Status, string? InvalidReason, bool Dilute, string Method);

/// <summary>The judged test: its overall result and whether it still waits for a (lab) confirmation.</summary>
internal sealed record DrugTestJudgement(string Overall, bool NeedsConfirmation);

internal static class DrugTestRules
{
    /// <summary>
    /// Specimen validity first (HHS Mandatory Guidelines, SAMHSA 2017; 49 CFR 40.191(b), 40.197): an adulterated or
    /// substituted specimen is a refusal; a dilute one without a positive is recollected, a positive-dilute keeps its
    /// positives. Then the analytes (<see cref="Overall"/>). A point-of-care positive that is not prescribed is
    /// presumptive until a lab confirms it (ASAM 2017), as is any inconclusive analyte.
    /// </summary>
    public static DrugTestJudgement Judge(SpecimenFacts specimen, IReadOnlyCollection<AnalyteResult> analytes, IReadOnlyCollection<string> prescribed)
    {
        ArgumentNullException.ThrowIfNull(specimen);
        ArgumentNullException.ThrowIfNull(analytes);
        if (specimen.Status == DrugTestWords.Invalid)
        {
            return new DrugTestJudgement(specimen.InvalidReason == DrugTestWords.Dilute ? DrugTestWords.Recollect : DrugTestWords.Refused, false);
        }
        var overall = Overall(specimen.Status, analytes, prescribed);
        if (specimen.Dilute && overall == DrugTestWords.Negative)
        {
            overall = DrugTestWords.Recollect;
        }
        var presumptive = specimen.Method == DrugTestWords.PointOfCare && overall == DrugTestWords.PositiveUnexpected;
        return new DrugTestJudgement(overall, presumptive || analytes.Any(a => a.Result == DrugTestWords.Inconclusive));
    }

    /// <summary>
    /// The test's overall result. A positive is expected only when its analyte is prescribed on the enrollment; one
    /// unexpected positive makes the whole test unexpected. Inconclusive analytes never make a test positive: they are
    /// confirmed (usually by a lab) and the confirmation arrives as a correction.
    /// </summary>
    public static string Overall(string status, IReadOnlyCollection<AnalyteResult> analytes, IReadOnlyCollection<string> prescribed)
    {
        ArgumentNullException.ThrowIfNull(analytes);
        ArgumentNullException.ThrowIfNull(prescribed);
        if (status != DrugTestWords.Resulted)
        {
            return status;
        }
        var positives = analytes.Where(a => a.Result == DrugTestWords.Positive).Select(a => a.Analyte).ToList();
        if (positives.Count == 0)
        {
            return DrugTestWords.Negative;
        }
        return positives.All(p => prescribed.Contains(p, StringComparer.Ordinal))
            ? DrugTestWords.PositiveExpected
            : DrugTestWords.PositiveUnexpected;
    }
}
