namespace IopPlatform.Outcomes.Contracts;

/// <summary>
/// The one analyte vocabulary: drug-test panels (Outcomes) and the prescriptions recorded at screening (Enrollment) use
/// these codes, so a prescribed substance matches the panel line that detects it (a dronabinol prescription is
/// <c>cannabis_thc</c>, the analyte a THC immunoassay reports).
/// </summary>
public static class AnalyteCodes
{
    /// <summary>Ethanol (breath or blood).</summary>
    public const string Alcohol = "alcohol";

    /// <summary>Cannabis / THC (dronabinol, nabilone and cannabis all screen positive on it).</summary>
    public const string CannabisThc = "cannabis_thc";

    /// <summary>Every code, in panel order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Alcohol, "alcohol_etg", "amphetamines", "methamphetamine", "barbiturates", "benzodiazepines", "buprenorphine",
        "cocaine", "fentanyl", "methadone", "opiates", "oxycodone", CannabisThc, "mdma", "naltrexone", "tramadol",
        "pcp", "ketamine", "xylazine", "gabapentin", "methylphenidate", "pregabalin",
    ];

    /// <summary>Names screening accepted before the vocabulary was shared, with the code that replaced them (Enrollment migration 0033).</summary>
    public static readonly IReadOnlyDictionary<string, string> Renamed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cannabinoids"] = CannabisThc,
    };
}
