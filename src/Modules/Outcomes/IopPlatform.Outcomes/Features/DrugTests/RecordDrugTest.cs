using FluentValidation.Results;

namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>Records a drug test for an enrollment; the overall result is computed against its prescriptions.</summary>
internal sealed record RecordDrugTestRequest(Guid EnrollmentId, DrugTestBody Body) : IRequest<DrugTestDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.DrugTest;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class RecordDrugTestValidator : AbstractValidator<RecordDrugTestRequest>
{
    public RecordDrugTestValidator(TimeProvider clock) =>
        RuleFor(x => x.Body).Custom((body, context) =>
        {
            foreach (var error in DrugTestInput.Validate(body, clock.GetUtcNow()))
            {
                context.AddFailure(new ValidationFailure(error.Field, error.Message));
            }
        });
}

internal sealed class RecordDrugTestHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<RecordDrugTestRequest, DrugTestDto>
{
    private const string InsertHead = """
        INSERT INTO outcomes_drug_test (id, enrollment_id, patient_id, version, created_at)
        VALUES (@Id, @EnrollmentId, @PatientId, 1, @CreatedAt)
        """;

    public async Task<DrugTestDto> Handle(RecordDrugTestRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var (row, analytes) = DrugTestStore.Build(id, profile.EnrollmentId, profile.PatientId, 1, request.Body, profile.PrescribedAnalytes, null, caller.ActorId, now);
        var recorded = new DrugTestRecorded(id, row.EnrollmentId, row.PatientId, 1, row.OverallResult, row.CollectedAt);
        await using (var connection = await db.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertHead, new { Id = id, row.EnrollmentId, row.PatientId, CreatedAt = now }, transaction, cancellationToken: cancellationToken));
            await DrugTestStore.InsertVersionAsync(connection, transaction, row, analytes, cancellationToken);
            await OutcomesOutbox.WriteAsync(connection, transaction, OutcomesOutbox.DrugTestRecorded, id, recorded, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await mediator.Publish(recorded, cancellationToken);
        return DrugTestStore.ToDto(row, analytes);
    }
}

internal static class RecordDrugTestEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/drug-tests", async (Guid enrollmentId, DrugTestBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var test = await mediator.Send(new RecordDrugTestRequest(enrollmentId, body), ct);
                ETag.Set(response, test.Version);
                return TypedResults.Created($"/api/v1/drug-tests/{test.Id}", test);
            })
            .RequireRoles(OutcomesRoles.ClinicalWriters)
            .WithName("RecordDrugTest")
            .WithSummary("Record a drug test")
            .WithDescription("Records a urine, oral-fluid or breath test (point of care or lab) with its analytes, or a refused, missed or invalid (adulterated/dilute) test. The overall result is computed: a positive is expected only when every positive analyte is prescribed on the enrollment.")
            .Accepts<DrugTestBody>("application/json")
            .Produces<DrugTestDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
