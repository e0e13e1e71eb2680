namespace IopPlatform.Outcomes.Features.Recovery;

internal sealed record ListRecoveryChecksQuery(Guid EnrollmentId, int Limit, string? Cursor) : IRequest<CursorPage<RecoveryCheckDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Recovery;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListRecoveryChecksValidator : AbstractValidator<ListRecoveryChecksQuery>
{
    public ListRecoveryChecksValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListRecoveryChecksHandler(EnrollmentRecordPage pages) : IRequestHandler<ListRecoveryChecksQuery, CursorPage<RecoveryCheckDto>>
{
    public Task<CursorPage<RecoveryCheckDto>> Handle(ListRecoveryChecksQuery request, CancellationToken cancellationToken) =>
        pages.ReadAsync<RecoveryCheckDto>("outcomes_recovery_check", RecordRecoveryCheckHandler.Columns, request.EnrollmentId, request.Limit, request.Cursor, r => r.Id, cancellationToken);
}

internal static class ListRecoveryChecksEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/recovery-checks",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListRecoveryChecksQuery(enrollmentId, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.Outcomes)
            .WithName("ListRecoveryChecks")
            .WithSummary("List recovery-environment checks")
            .WithDescription("The enrollment's recovery-environment checks in the order they were recorded, a page at a time.")
            .Produces<CursorPage<RecoveryCheckDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
