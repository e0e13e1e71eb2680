using FluentValidation.Results;

namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>A corrected drug test: the full new content plus why the previous version was wrong.</summary>
/// <param name="Reason">Why it is corrected (required, up to 1,000 characters), e.g. "lab confirmation of inconclusive fentanyl".</param>
/// <param name="Test">The corrected test.</param>
internal sealed record CorrectDrugTestBody(string? Reason, DrugTestBody? Test);

/// <summary>Adds a new version of a drug test; earlier versions stay as history.</summary>
internal sealed record CorrectDrugTestRequest(Guid DrugTestId, int ExpectedVersion, CorrectDrugTestBody Body) : IRequest<DrugTestDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.DrugTest;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class CorrectDrugTestValidator : AbstractValidator<CorrectDrugTestRequest>
{
    public CorrectDrugTestValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.Reason).NotEmpty().WithMessage("A correction needs a reason.").MaximumLength(1000).OverridePropertyName("reason");
        RuleFor(x => x.Body.Test).NotNull().WithMessage("A correction needs the corrected test.").OverridePropertyName("test");
        RuleFor(x => x.Body.Test!).Custom((test, context) =>
        {
            foreach (var error in DrugTestInput.Validate(test, clock.GetUtcNow()))
            {
                context.AddFailure(new ValidationFailure("test." + error.Field, error.Message));
            }
        }).When(x => x.Body.Test is not null);
    }
}

internal sealed class CorrectDrugTestHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<CorrectDrugTestRequest, DrugTestDto>
{
    private const string SelectHead = "SELECT id, enrollment_id AS EnrollmentId, patient_id AS PatientId, version FROM outcomes_drug_test WHERE id = @DrugTestId";

    private const string Claim = "UPDATE outcomes_drug_test SET version = version + 1 WHERE id = @DrugTestId AND version = @ExpectedVersion";

    private sealed class Head
    {
        public Guid Id { get; init; }

        public Guid EnrollmentId { get; init; }

        public Guid PatientId { get; init; }

        public int Version { get; init; }
    }

    public async Task<DrugTestDto> Handle(CorrectDrugTestRequest request, CancellationToken cancellationToken)
    {
        Head head;
        await using (var read = await db.OpenAsync(cancellationToken))
        {
            head = await read.QuerySingleOrDefaultAsync<Head>(new CommandDefinition(SelectHead, request, cancellationToken: cancellationToken))
                ?? throw new NotFoundException("Drug test", request.DrugTestId);
        }
        audit.TouchedPatient(head.PatientId);
        var stale = new PreconditionFailedException($"Drug test '{request.DrugTestId}' changed since version {request.ExpectedVersion}; read it again before correcting.");
        if (head.Version != request.ExpectedVersion)
        {
            throw stale;
        }
        // Prescriptions as they stand now: a correction re-reads the enrollment like a new recording would.
        var profile = await mediator.RequireProfileAsync(head.EnrollmentId, audit, cancellationToken);
        var now = clock.GetUtcNow();
        var version = request.ExpectedVersion + 1;
        var (row, analytes) = DrugTestStore.Build(head.Id, head.EnrollmentId, head.PatientId, version, request.Body.Test!, profile.PrescribedAnalytes,
            request.Body.Reason!.Trim(), caller.ActorId, now);
        var recorded = new DrugTestRecorded(head.Id, head.EnrollmentId, head.PatientId, version, row.OverallResult, row.CollectedAt);
        await using (var connection = await db.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (await connection.ExecuteAsync(new CommandDefinition(Claim, request, transaction, cancellationToken: cancellationToken)) == 0)
            {
                throw stale;
            }
            await DrugTestStore.InsertVersionAsync(connection, transaction, row, analytes, cancellationToken);
            await OutcomesOutbox.WriteAsync(connection, transaction, OutcomesOutbox.DrugTestRecorded, head.Id, recorded, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await mediator.Publish(recorded, cancellationToken);
        return DrugTestStore.ToDto(row, analytes);
    }
}

internal static class CorrectDrugTestEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/drug-tests/{drugTestId:guid}/corrections", async (Guid drugTestId, CorrectDrugTestBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var expected = ETag.RequireIfMatch(request);
                var test = await mediator.Send(new CorrectDrugTestRequest(drugTestId, expected, body), ct);
                ETag.Set(response, test.Version);
                return TypedResults.Created($"/api/v1/drug-tests/{test.Id}/versions/{test.Version}", test);
            })
            .RequireRoles(OutcomesRoles.ClinicalWriters)
            .WithName("CorrectDrugTest")
            .WithSummary("Correct a drug test")
            .WithDescription("Adds a new version of the test with a mandatory reason; the earlier versions stay as history and the latest is current. Needs If-Match with the current ETag.")
            .Accepts<CorrectDrugTestBody>("application/json")
            .Produces<DrugTestDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
