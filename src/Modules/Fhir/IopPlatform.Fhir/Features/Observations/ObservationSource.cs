using IopPlatform.Fhir.Features.Pipeline;
using IopPlatform.Outcomes.Contracts;

namespace IopPlatform.Fhir.Features.Observations;

/// <summary>
/// Observation from the Outcomes module: drug tests (category laboratory, consent category drug_test) and scored measures
/// (category survey, consent category outcomes). A search pages through drug tests first, then measures; the cursor
/// says which (<c>d.</c> or <c>m.</c>).
/// </summary>
internal sealed class ObservationSource : IFhirResourceSource
{
    public string Type => "Observation";

    /// <summary>The route's category; each record is judged by the door under its own (drug_test or outcomes).</summary>
    public string Category => InformationCategories.DrugTest;

    public IReadOnlyList<string> Roles { get; } = [.. BuildingBlocks.Security.Roles.Staff, BuildingBlocks.Security.Roles.Partner];

    public IReadOnlyList<string> Profiles { get; } = [];

    public IReadOnlyList<FhirSearchParameter> SearchParameters { get; } =
    [
        new("_id", SearchParamType.Token, "drugtest-{id} or measure-{id}."),
        new("patient", SearchParamType.Reference, "The patient (id or Patient/id)."),
        new("category", SearchParamType.Token, "laboratory (drug tests) or survey (measures); comma-separated for either."),
        new("code", SearchParamType.Token,
            $"LOINC 44249-1 (PHQ-9), 69737-5 (GAD-7), 72109-2 (AUDIT-C); {FhirCodeSystems.Measure}|bam, |pcl5; {FhirCodeSystems.DrugTest}|{ObservationCodes.DrugScreen}; comma-separated for any."),
        new("date", SearchParamType.Date, "When collected (drug tests) or administered (measures); eq, ge, gt, le, lt prefixes, repeatable."),
    ];

    public async Task<FhirRecord?> ReadAsync(IMediator mediator, string id, CancellationToken ct)
    {
        if (id.StartsWith(ObservationMapping.DrugTestPrefix, StringComparison.Ordinal) && Guid.TryParse(id[ObservationMapping.DrugTestPrefix.Length..], out var drugTestId))
        {
            return (await mediator.Send(new FindDrugTestsQuery(drugTestId, null, null, null, null, 1), ct)).Select(ObservationMapping.DrugTest).SingleOrDefault();
        }
        if (id.StartsWith(ObservationMapping.MeasurePrefix, StringComparison.Ordinal) && Guid.TryParse(id[ObservationMapping.MeasurePrefix.Length..], out var measureId))
        {
            return (await mediator.Send(new FindMeasuresQuery(measureId, null, [], null, null, null, 1), ct)).Select(ObservationMapping.Measure).SingleOrDefault();
        }
        return null;
    }

    public async Task<FhirRecordPage> SearchAsync(IMediator mediator, FhirSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var patient = FhirSearchValues.Reference("patient", "Patient", search.Single("patient"));
        var dates = FhirSearchValues.DateRange("date", search.Values("date"));
        var (drugTests, instruments, drugTestId, measureId) = Scope(search);
        var (stage, after) = Stage(search.Cursor, drugTests);
        var records = new List<FhirRecord>();
        if (stage == 'd')
        {
            var rows = await mediator.Send(new FindDrugTestsQuery(drugTestId, patient, dates.From, dates.Before, after, search.Count + 1), ct);
            var page = FhirPaging.Page(rows, search.Count, t => t.Id, ObservationMapping.DrugTest);
            if (page.NextCursor is not null || instruments is null)
            {
                return page with { NextCursor = page.NextCursor is { } next ? "d." + next : null };
            }
            records.AddRange(page.Records);
            after = null;
        }
        if (instruments is null)
        {
            return new FhirRecordPage(records, null);
        }
        var room = search.Count - records.Count;
        if (room == 0)
        {
            return new FhirRecordPage(records, "m.");
        }
        var measures = await mediator.Send(new FindMeasuresQuery(measureId, patient, instruments, dates.From, dates.Before, after, room + 1), ct);
        var measurePage = FhirPaging.Page(measures, room, m => m.Id, ObservationMapping.Measure);
        return new FhirRecordPage([.. records, .. measurePage.Records], measurePage.NextCursor is { } more ? "m." + more : null);
    }

    /// <summary>
    /// What the category, code and _id parameters leave to search: drug tests or not, the instruments of measures
    /// (null: no measures; empty: all), and one id of either.
    /// </summary>
    private static (bool DrugTests, IReadOnlyList<string>? Instruments, Guid? DrugTestId, Guid? MeasureId) Scope(FhirSearch search)
    {
        var drugTests = true;
        List<string>? instruments = [];
        if (search.Single("category") is { } categories)
        {
            var wanted = categories.Split(',').Select(c => FhirSearchValues.Token("category", c)).ToList();
            if (wanted.Any(c => c.Code is not (ObservationCodes.Laboratory or ObservationCodes.Survey) || (c.System is not null && c.System != ObservationCodes.CategorySystem)))
            {
                throw new BadRequestException("category", "category must be laboratory or survey (system http://terminology.hl7.org/CodeSystem/observation-category).");
            }
            drugTests = wanted.Any(c => c.Code == ObservationCodes.Laboratory);
            instruments = wanted.Any(c => c.Code == ObservationCodes.Survey) ? [] : null;
        }
        if (search.Single("code") is { } codes)
        {
            var tokens = codes.Split(',').Select(c => FhirSearchValues.Token("code", c)).ToList();
            drugTests &= tokens.Any(t => ObservationCodes.IsDrugScreen(t.System, t.Code));
            var named = tokens.SelectMany(t => ObservationCodes.InstrumentsFor(t.System, t.Code)).Distinct(StringComparer.Ordinal).ToList();
            instruments = instruments is null || named.Count == 0 ? null : named;
        }
        Guid? drugTestId = null;
        Guid? measureId = null;
        if (search.Single("_id") is { } id)
        {
            if (id.StartsWith(ObservationMapping.DrugTestPrefix, StringComparison.Ordinal) && Guid.TryParse(id[ObservationMapping.DrugTestPrefix.Length..], out var test))
            {
                drugTestId = test;
                instruments = null;
            }
            else if (id.StartsWith(ObservationMapping.MeasurePrefix, StringComparison.Ordinal) && Guid.TryParse(id[ObservationMapping.MeasurePrefix.Length..], out var measure))
            {
                measureId = measure;
                drugTests = false;
            }
            else
            {
                throw new BadRequestException("_id", "An Observation id is drugtest-{id} or measure-{id}.");
            }
        }
        return (drugTests, instruments, drugTestId, measureId);
    }

    /// <summary>Where the page starts: 'd' (drug tests) or 'm' (measures), and after which id.</summary>
    private static (char Stage, Guid? After) Stage(string? cursor, bool drugTests)
    {
        if (cursor is null)
        {
            return (drugTests ? 'd' : 'm', null);
        }
        if (cursor.Length >= 2 && cursor[1] == '.' && cursor[0] is 'd' or 'm')
        {
            return (cursor[0], cursor.Length == 2 ? null : Cursor.Decode(cursor[2..]));
        }
        throw new BadRequestException("_cursor", "The cursor is not valid; follow the Bundle's next link.");
    }
}
