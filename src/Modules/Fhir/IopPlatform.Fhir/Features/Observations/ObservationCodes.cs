namespace IopPlatform.Fhir.Features.Observations;

/// <summary>The codes Observations carry: LOINC where a code exists, the documented local systems otherwise.</summary>
internal static class ObservationCodes
{
    public const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string Laboratory = "laboratory";
    public const string Survey = "survey";
    public const string InterpretationSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public const string DataAbsentSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    /// <summary>The drug-test panel's code in the local drug-test system.</summary>
    public const string DrugScreen = "drug-screen";

    /// <summary>Instrument (API word) → (system, code, display). PHQ-9, GAD-7 and AUDIT-C have LOINC panel codes; BAM and PCL-5 use the local system.</summary>
    public static readonly IReadOnlyDictionary<string, (string System, string Code, string Display)> Instruments =
        new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
        {
            ["phq9"] = (FhirCodeSystems.Loinc, "44249-1", "PHQ-9 quick depression assessment panel"),
            ["gad7"] = (FhirCodeSystems.Loinc, "69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
            ["audit_c"] = (FhirCodeSystems.Loinc, "72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"),
            ["bam"] = (FhirCodeSystems.Measure, "bam", "Brief Addiction Monitor (BAM)"),
            ["pcl5"] = (FhirCodeSystems.Measure, "pcl5", "PTSD Checklist for DSM-5 (PCL-5)"),
        };

    /// <summary>The instruments a <c>code</c> token names (system optional).</summary>
    public static IEnumerable<string> InstrumentsFor(string? system, string code) =>
        Instruments.Where(i => i.Value.Code == code && (system is null || system == i.Value.System)).Select(i => i.Key);

    public static bool IsDrugScreen(string? system, string code) => code == DrugScreen && (system is null || system == FhirCodeSystems.DrugTest);
}
