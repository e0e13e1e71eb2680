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

internal sealed class ListRecoveryChecksHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit, PartnerDisclosure partners)
    : IRequestHandler<ListRecoveryChecksQuery, CursorPage<RecoveryCheckDto>>
{
    public async Task<CursorPage<RecoveryCheckDto>> Handle(ListRecoveryChecksQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        await partners.EnsureAsync(profile.PatientId, InformationCategories.Outcomes, new NotFoundException("Enrollment", request.EnrollmentId), cancellationToken);
        var where = after is null ? "enrollment_id = @EnrollmentId" : "enrollment_id = @EnrollmentId AND id > @After";
        var sql = $"SELECT {RecordRecoveryCheckHandler.Columns} FROM outcomes_recovery_check WHERE {where} ORDER BY id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RecoveryCheckDto>(new CommandDefinition(
            sql, new { request.EnrollmentId, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        return Cursor.Page(rows.AsList(), request.Limit, r => r.Id);
    }
}

internal static class ListRecoveryChecksEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/recovery-checks",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListRecoveryChecksQuery(enrollmentId, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .WithName("ListRecoveryChecks")
            .WithSummary("List recovery-environment checks")
            .WithDescription("The enrollment's recovery-environment checks in the order they were recorded, a page at a time.")
            .Produces<CursorPage<RecoveryCheckDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
