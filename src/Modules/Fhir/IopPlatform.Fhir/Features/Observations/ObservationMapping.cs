using System.Globalization;
using IopPlatform.Fhir.Features.Pipeline;
using IopPlatform.Outcomes.Contracts;

namespace IopPlatform.Fhir.Features.Observations;

/// <summary>Drug tests and scored measures as Observations (ids <c>drugtest-{id}</c> and <c>measure-{id}</c>).</summary>
internal static class ObservationMapping
{
    public const string DrugTestPrefix = "drugtest-";
    public const string MeasurePrefix = "measure-";

    /// <summary>One Observation per drug test; each analyte is a component with its result and interpretation (detected, and expected or not).</summary>
    public static FhirRecord DrugTest(DrugTestDto test)
    {
        var resource = Base(DrugTestPrefix + test.Id, test.PatientId, test.Version, test.CollectedAt, test.RecordedAt, ObservationCodes.Laboratory);
        resource.Code = new CodeableConcept(FhirCodeSystems.DrugTest, ObservationCodes.DrugScreen, "Drug screen") { Text = $"Drug screen ({test.Specimen}, {test.Method})" };
        resource.Method = new CodeableConcept(FhirCodeSystems.DrugTest, test.Method);
        if (test.Status == "resulted")
        {
            resource.Value = new CodeableConcept(FhirCodeSystems.DrugTest, test.OverallResult) { Text = test.OverallResult };
        }
        else
        {
            resource.DataAbsentReason = new CodeableConcept(ObservationCodes.DataAbsentSystem, test.Status == "refused" ? "asked-declined" : test.Status == "missed" ? "not-performed" : "error")
            {
                Text = test.InvalidReason is { } reason ? $"{test.Status} ({reason}); overall result {test.OverallResult}" : $"{test.Status}; overall result {test.OverallResult}",
            };
        }
        foreach (var analyte in test.Analytes)
        {
            var component = new Observation.ComponentComponent
            {
                Code = new CodeableConcept(FhirCodeSystems.DrugTest, analyte.Analyte),
                Value = new CodeableConcept(FhirCodeSystems.DrugTest, analyte.Result) { Text = analyte.Result },
            };
            component.Interpretation.Add(analyte.Result switch
            {
                "positive" => new CodeableConcept(ObservationCodes.InterpretationSystem, "POS", "Positive"),
                "negative" => new CodeableConcept(ObservationCodes.InterpretationSystem, "NEG", "Negative"),
                _ => new CodeableConcept(ObservationCodes.InterpretationSystem, "IND", "Indeterminate"),
            });
            if (analyte.Result == "positive")
            {
                component.Interpretation.Add(analyte.Expected
                    ? new CodeableConcept(ObservationCodes.InterpretationSystem, "EXP", "Expected")
                    : new CodeableConcept(ObservationCodes.InterpretationSystem, "UNE", "Unexpected"));
            }
            resource.Component.Add(component);
        }
        return new FhirRecord(resource, test.PatientId, $"drug_test/{test.Id}");
    }

    /// <summary>One Observation per scored measure: the total (LOINC panel code where one exists), the band, subscales as components.</summary>
    public static FhirRecord Measure(MeasureResultDto measure)
    {
        var resource = Base(MeasurePrefix + measure.Id, measure.PatientId, 1, measure.AdministeredAt, measure.RecordedAt, ObservationCodes.Survey);
        var (system, code, display) = ObservationCodes.Instruments.TryGetValue(measure.Instrument, out var known)
            ? known
            : (FhirCodeSystems.Measure, measure.Instrument, measure.Instrument);
        resource.Code = new CodeableConcept(system, code, display);
        if (measure.Total is { } total)
        {
            resource.Value = new Integer(total);
        }
        else if (measure.Subscales.Count == 0)
        {
            resource.DataAbsentReason = new CodeableConcept(ObservationCodes.DataAbsentSystem, "not-applicable");
        }
        if (measure.Band is { } band)
        {
            resource.Interpretation.Add(new CodeableConcept(FhirCodeSystems.Measure, band) { Text = band });
        }
        foreach (var subscale in measure.Subscales)
        {
            var component = new Observation.ComponentComponent
            {
                Code = new CodeableConcept(FhirCodeSystems.Measure, $"{measure.Instrument}-{subscale.Name}"),
                Value = new Integer(subscale.Score),
            };
            if (subscale.Concern)
            {
                component.Interpretation.Add(new CodeableConcept(ObservationCodes.InterpretationSystem, "A", "Abnormal"));
            }
            resource.Component.Add(component);
        }
        return new FhirRecord(resource, measure.PatientId, $"measure/{measure.Id}", InformationCategories.Outcomes);
    }

    private static Observation Base(string id, Guid patientId, int version, DateTimeOffset effective, DateTimeOffset issued, string category) => new()
    {
        Id = id,
        Meta = new Meta { VersionId = version.ToString(CultureInfo.InvariantCulture) },
        Status = version > 1 ? ObservationStatus.Amended : ObservationStatus.Final,
        Category = [new CodeableConcept(ObservationCodes.CategorySystem, category)],
        Subject = new ResourceReference($"Patient/{patientId}"),
        Effective = new FhirDateTime(effective.ToUniversalTime()),
        Issued = issued.ToUniversalTime(),
    };
}
