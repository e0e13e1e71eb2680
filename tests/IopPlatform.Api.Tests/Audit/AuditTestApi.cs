using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Api.Tests.Audit;

/// <summary>
/// A patient-data read that exists only in tests (the real ones arrive with the Enrollment and Clinical modules): it
/// names one patient up front, reports more to the audit scope, and can be told to fail or to break the glass.
/// </summary>
public sealed record TestPatientRead(Guid? Patient, Guid[] AlsoTouched, string? Fail = null, string? BreakGlassReason = null, string? ResourceId = null)
    : IRequest<Unit>, IAuditedRequest
{
    public string AuditCategory => "demographics";

    public string AuditAction => "read";

    public Guid? AuditPatientId => Patient;
}

public sealed class TestPatientReadHandler(IAuditScope scope) : IRequestHandler<TestPatientRead, Unit>
{
    public Task<Unit> Handle(TestPatientRead request, CancellationToken cancellationToken)
    {
        foreach (var patient in request.AlsoTouched)
        {
            scope.TouchedPatient(patient);
        }
        if (request.ResourceId is not null)
        {
            scope.Resource(request.ResourceId);
        }
        if (request.BreakGlassReason is not null)
        {
            scope.BreakGlass(request.BreakGlassReason);
        }
        return request.Fail switch
        {
            "not_found" => throw new NotFoundException("patient", request.Patient ?? Guid.Empty),
            "forbidden" => throw new ForbiddenException("No consent covers this caller."),
            "crash" => throw new InvalidOperationException("boom"),
            _ => Unit.Task,
        };
    }
}

/// <summary>A request that is not patient data: the audit behaviour must let it pass without an entry.</summary>
public sealed record TestUnauditedPing : IRequest<Unit>;

public sealed class TestUnauditedPingHandler : IRequestHandler<TestUnauditedPing, Unit>
{
    public Task<Unit> Handle(TestUnauditedPing request, CancellationToken cancellationToken) => Unit.Task;
}

/// <summary>The real host plus the test-only requests above (handlers are otherwise found only in module assemblies).</summary>
public abstract class AuditApi(DatabaseEngine engine) : ApiFactory(engine)
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddTransient<IRequestHandler<TestPatientRead, Unit>, TestPatientReadHandler>();
        services.AddTransient<IRequestHandler<TestUnauditedPing, Unit>, TestUnauditedPingHandler>();
    }
}

public sealed class AuditSqliteApi() : AuditApi(DatabaseEngine.Sqlite);

public sealed class AuditPostgresApi() : AuditApi(DatabaseEngine.Postgres);

public sealed class AuditSqlServerApi() : AuditApi(DatabaseEngine.SqlServer);
