using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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

internal sealed class ListSupportActivitiesHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit, PartnerDisclosure partners)
    : IRequestHandler<ListSupportActivitiesQuery, CursorPage<SupportActivityDto>>
{
    public async Task<CursorPage<SupportActivityDto>> Handle(ListSupportActivitiesQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        await partners.EnsureAsync(profile.PatientId, InformationCategories.Outcomes, new NotFoundException("Enrollment", request.EnrollmentId), cancellationToken);
        var where = after is null ? "enrollment_id = @EnrollmentId" : "enrollment_id = @EnrollmentId AND id > @After";
        var sql = $"SELECT {RecordSupportActivityHandler.Columns} FROM outcomes_support_activity WHERE {where} ORDER BY id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SupportActivityDto>(new CommandDefinition(
            sql, new { request.EnrollmentId, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        return Cursor.Page(rows.AsList(), request.Limit, r => r.Id);
    }
}

internal static class ListSupportActivitiesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/support-activities",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListSupportActivitiesQuery(enrollmentId, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .WithName("ListSupportActivities")
            .WithSummary("List mutual-support and alumni attendance")
            .WithDescription("The enrollment's self-reported mutual-support and alumni activities in the order they were recorded, a page at a time.")
            .Produces<CursorPage<SupportActivityDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
