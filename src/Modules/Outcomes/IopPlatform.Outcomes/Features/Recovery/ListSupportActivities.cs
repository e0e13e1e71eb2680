namespace IopPlatform.Outcomes.Features.Recovery;

internal sealed record ListSupportActivitiesQuery(Guid EnrollmentId, int Limit, string? Cursor) : IRequest<CursorPage<SupportActivityDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Recovery;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListSupportActivitiesValidator : AbstractValidator<ListSupportActivitiesQuery>
{
    public ListSupportActivitiesValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListSupportActivitiesHandler(EnrollmentRecordPage pages) : IRequestHandler<ListSupportActivitiesQuery, CursorPage<SupportActivityDto>>
{
    public Task<CursorPage<SupportActivityDto>> Handle(ListSupportActivitiesQuery request, CancellationToken cancellationToken) =>
        pages.ReadAsync<SupportActivityDto>("outcomes_support_activity", RecordSupportActivityHandler.Columns, request.EnrollmentId, request.Limit, request.Cursor, r => r.Id, cancellationToken);
}

internal static class ListSupportActivitiesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/support-activities",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListSupportActivitiesQuery(enrollmentId, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.Outcomes)
            .WithName("ListSupportActivities")
            .WithSummary("List mutual-support and alumni attendance")
            .WithDescription("The enrollment's self-reported mutual-support and alumni activities in the order they were recorded, a page at a time.")
            .Produces<CursorPage<SupportActivityDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
