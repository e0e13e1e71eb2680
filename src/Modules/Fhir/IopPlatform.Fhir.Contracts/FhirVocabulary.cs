namespace IopPlatform.Fhir.Contracts;

/// <summary>The identifiers and code systems the FHIR facade publishes (README, "FHIR clients"): stable, so partners may store them.</summary>
public static class FhirCodeSystems
{
    /// <summary>The FHIR base path under the host.</summary>
    public const string BasePath = "/fhir/R4";

    /// <summary>Identifier system of the program's medical record number.</summary>
    public const string Mrn = "urn:iop-platform:identifier:mrn";

    /// <summary>Local code system of drug-test panels and analytes (codes are the API's analyte words, e.g. <c>opiates</c>).</summary>
    public const string DrugTest = "urn:iop-platform:codesystem:drug-test";

    /// <summary>Local code system of measure instruments without a LOINC code here (<c>bam</c>, <c>pcl5</c>) and of severity bands.</summary>
    public const string Measure = "urn:iop-platform:codesystem:measure";

    /// <summary>Local code system of the level of care (ASAM level words as the API stores them).</summary>
    public const string LevelOfCare = "urn:iop-platform:codesystem:level-of-care";

    /// <summary>LOINC.</summary>
    public const string Loinc = "http://loinc.org";
}

/// <summary>The security labels every disclosed resource carries (42 CFR Part 2 records, restricted confidentiality).</summary>
public static class FhirSecurityLabels
{
    /// <summary>HL7 v3 ActCode system (policy labels).</summary>
    public const string ActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /// <summary>The 42 CFR Part 2 policy label.</summary>
    public const string Part2 = "42CFRPart2";

    /// <summary>HL7 v3 Confidentiality system.</summary>
    public const string ConfidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

    /// <summary>Restricted.</summary>
    public const string Restricted = "R";
}
