namespace IopPlatform.Outcomes.Contracts;

/// <summary>
/// Drug tests at their current versions for another module's read API (the FHIR facade), ordered by id. It does not
/// pass the disclosure door: the sender passes each record through the Enrollment module's disclosure command first.
/// </summary>
/// <param name="DrugTestId">One drug test, or null for a search.</param>
/// <param name="PatientId">Only this patient's.</param>
/// <param name="CollectedFrom">Collected at or after (UTC).</param>
/// <param name="CollectedBefore">Collected before (UTC).</param>
/// <param name="After">Only drug tests whose id is greater (the cursor).</param>
/// <param name="Limit">At most this many (1–201).</param>
public sealed record FindDrugTestsQuery(Guid? DrugTestId, Guid? PatientId, DateTimeOffset? CollectedFrom, DateTimeOffset? CollectedBefore, Guid? After, int Limit)
    : IRequest<IReadOnlyList<DrugTestDto>>;

/// <summary>
/// Scored measures for another module's read API (the FHIR facade), ordered by id. It does not pass the disclosure
/// door: the sender passes each record through the Enrollment module's disclosure command first.
/// </summary>
/// <param name="MeasureId">One measure, or null for a search.</param>
/// <param name="PatientId">Only this patient's.</param>
/// <param name="Instruments">Only these instruments (empty: all).</param>
/// <param name="AdministeredFrom">Administered at or after (UTC).</param>
/// <param name="AdministeredBefore">Administered before (UTC).</param>
/// <param name="After">Only measures whose id is greater (the cursor).</param>
/// <param name="Limit">At most this many (1–201).</param>
public sealed record FindMeasuresQuery(
    Guid? MeasureId, Guid? PatientId, IReadOnlyList<string> Instruments, DateTimeOffset? AdministeredFrom, DateTimeOffset? AdministeredBefore, Guid? After, int Limit)
    : IRequest<IReadOnlyList<MeasureResultDto>>;
