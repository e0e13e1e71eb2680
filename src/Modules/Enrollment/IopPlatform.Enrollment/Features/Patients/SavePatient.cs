namespace IopPlatform.Enrollment.Features.Patients;

internal sealed class SavePatientHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<SavePatientRequest, PatientDto>
{
    private const string Insert = """
        INSERT INTO enrollment_patient (id, mrn, given_name, family_name, date_of_birth, sex_at_birth, gender_identity, phone, email,
            address_line1, address_line2, address_city, address_region, address_postal_code, address_country, preferred_language,
            emergency_name, emergency_relationship, emergency_phone, created_by, created_by_api_client_id, version, created_at, updated_at)
        VALUES (@Id, @Mrn, @GivenName, @FamilyName, @DateOfBirth, @SexAtBirth, @GenderIdentity, @Phone, @Email,
            @AddressLine1, @AddressLine2, @AddressCity, @AddressRegion, @AddressPostalCode, @AddressCountry, @PreferredLanguage,
            @EmergencyName, @EmergencyRelationship, @EmergencyPhone, @CreatedBy, @CreatedByApiClientId, 1, @Now, @Now)
        """;

    private const string Update = """
        UPDATE enrollment_patient SET mrn = @Mrn, given_name = @GivenName, family_name = @FamilyName, date_of_birth = @DateOfBirth,
            sex_at_birth = @SexAtBirth, gender_identity = @GenderIdentity, phone = @Phone, email = @Email, address_line1 = @AddressLine1,
            address_line2 = @AddressLine2, address_city = @AddressCity, address_region = @AddressRegion, address_postal_code = @AddressPostalCode,
            address_country = @AddressCountry, preferred_language = @PreferredLanguage, emergency_name = @EmergencyName,
            emergency_relationship = @EmergencyRelationship, emergency_phone = @EmergencyPhone, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @ExpectedVersion
        """;

    private const string DeleteIdentifiers = "DELETE FROM enrollment_patient_identifier WHERE patient_id = @Id";

    public async Task<PatientDto> Handle(SavePatientRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        Guid id;
        try
        {
            id = await SaveAsync(connection, request, cancellationToken);
        }
        catch (DbException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            throw new ConflictException("The MRN or an external identifier was assigned to another patient at the same moment; reload and retry.");
        }
        audit.TouchedPatient(id);
        return (await PatientStore.FindAsync(connection, id, cancellationToken))!;
    }

    private async Task<Guid> SaveAsync(DbConnection connection, SavePatientRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        Guid id;
        if (request.Id is { } existing)
        {
            id = existing;
            if (caller.IsExternalRecipient())
            {
                throw new ForbiddenException("Partner apps may refer new patients but not change patient records.");
            }
            var current = await PatientStore.FindAsync(connection, id, cancellationToken, transaction) ?? throw new NotFoundException("Patient", id);
            if (current.Version != request.ExpectedVersion)
            {
                throw new PreconditionFailedException($"Patient '{id}' is at version {current.Version}; reload it and retry with its ETag.");
            }
            await PatientStore.EnsureIdentifiersFreeAsync(connection, transaction, request, id, cancellationToken);
            var columns = new DynamicParameters(PatientStore.Columns(request));
            columns.AddDynamicParams(new { Id = id, request.ExpectedVersion, Now = now });
            if (await connection.ExecuteAsync(new CommandDefinition(Update, columns, transaction, cancellationToken: cancellationToken)) == 0)
            {
                throw new PreconditionFailedException($"Patient '{id}' changed meanwhile; reload it and retry with its ETag.");
            }
            await connection.ExecuteAsync(new CommandDefinition(DeleteIdentifiers, new { Id = id }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            id = Guid.CreateVersion7();
            await PatientStore.EnsureIdentifiersFreeAsync(connection, transaction, request, null, cancellationToken);
            var columns = new DynamicParameters(PatientStore.Columns(request));
            columns.AddDynamicParams(new { Id = id, Now = now, CreatedBy = caller.ActorId, CreatedByApiClientId = caller.ApiClientId });
            await connection.ExecuteAsync(new CommandDefinition(Insert, columns, transaction, cancellationToken: cancellationToken));
        }
        await PatientStore.InsertIdentifiersAsync(connection, transaction, id, request.ExternalIds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }
}

internal static class SavePatientEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/patients", async (SavePatientRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var patient = await Send(mediator, body with { Id = null, ExpectedVersion = null }, ct);
                ETag.Set(response, patient.Version);
                return TypedResults.Created($"/api/v1/patients/{patient.Id}", patient);
            })
            .RequireRoles(Roles.Staff)
            .WithName("CreatePatient")
            .WithSummary("Register a patient")
            .WithDescription("Registers a patient. The MRN is unique within the organisation and each external identifier unique within its system (409 otherwise). " +
                             "Staff only: partner apps do not register patients, because a duplicate MRN or identifier would tell them the patient is in treatment (42 CFR Part 2); " +
                             "they refer patients the program registered, under a consent covering 'enrollment'.")
            .Accepts<SavePatientRequest>("application/json")
            .Produces<PatientDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency();

        group.MapPut("/patients/{patientId:guid}", async (Guid patientId, SavePatientRequest body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                var patient = await Send(mediator, body with { Id = patientId, ExpectedVersion = version }, ct);
                ETag.Set(response, patient.Version);
                return TypedResults.Ok(patient);
            })
            .RequireRoles(Roles.Staff)
            .WithName("ReplacePatient")
            .WithSummary("Replace a patient's record")
            .WithDescription("Replaces the whole record (demographics, contact, identifiers). Requires If-Match with the ETag of the last read: 428 without it, 412 when stale.")
            .Accepts<SavePatientRequest>("application/json")
            .Produces<PatientDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }

    private static Task<PatientDto> Send(IMediator mediator, SavePatientRequest request, CancellationToken ct) => mediator.Send(request, ct);
}
