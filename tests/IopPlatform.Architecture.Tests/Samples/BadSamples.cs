// Deliberately bad (and matching good) types that prove each rule can fail. They are never instantiated.
#pragma warning disable CA1812 // internal samples are inspected by reflection only
#pragma warning disable CA1822, IDE0051, CA1823 // members exist only to be found by reflection
using FluentValidation;
using IopPlatform.Scheduling;
using MediatR;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Architecture.Tests.Samples.Borders
{
    /// <summary>Reaches into another module's implementation instead of sending a Contracts request.</summary>
    public static class LeakyFeature
    {
        public static IEndpointRouteBuilder Wire(IEndpointRouteBuilder app) => app.MapSchedulingModule();
    }

    public static class CleanFeature
    {
        public static int Twice(int value) => value * 2;
    }
}

namespace IopPlatform.Architecture.Tests.Samples.Contracts
{
    public sealed record GoodDto(Guid Id, string Name)
    {
        public sealed record NestedDto(int Value);
    }

    public enum GoodStatus
    {
        Open,
        Closed,
    }

    public record OpenDto(Guid Id);

    public static class GoodCodes
    {
        public const string First = "first";

        public static readonly IReadOnlyList<string> All = [First];
    }

    public static class CodesWithLogic
    {
        public const string First = "first";

        public static bool IsKnown(string code) => code == First;
    }

    public sealed class PlainClassDto
    {
        public Guid Id { get; init; }
    }

    internal sealed record HiddenDto(Guid Id);

    public readonly record struct ValueDto(int Value);

    public interface IContractLike;
}

namespace IopPlatform.Architecture.Tests.Samples.Naming
{
    public sealed record SampleRequest(int Value) : IRequest<int>;

    public sealed record SampleHappened(int Value) : INotification;

    public sealed class SampleRequestHandler : IRequestHandler<SampleRequest, int>
    {
        public Task<int> Handle(SampleRequest request, CancellationToken cancellationToken) => Task.FromResult(request.Value);
    }

    public sealed class SampleProcessor : IRequestHandler<SampleRequest, int>
    {
        public Task<int> Handle(SampleRequest request, CancellationToken cancellationToken) => Task.FromResult(request.Value);
    }

    public sealed class SampleListener : INotificationHandler<SampleHappened>
    {
        public Task Handle(SampleHappened notification, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Abstract bases are not handlers themselves; their concrete subclasses are judged.</summary>
    public abstract class SampleProcessorBase : IRequestHandler<SampleRequest, int>
    {
        public abstract Task<int> Handle(SampleRequest request, CancellationToken cancellationToken);
    }

    public sealed class SampleRequestValidator : AbstractValidator<SampleRequest>
    {
        public SampleRequestValidator() => RuleFor(x => x.Value).GreaterThan(0);
    }

    public sealed class SampleRules : AbstractValidator<SampleRequest>
    {
        public SampleRules() => RuleFor(x => x.Value).GreaterThan(0);
    }

    public static class SampleEndpoint
    {
        public static void Map(IEndpointRouteBuilder group) => ArgumentNullException.ThrowIfNull(group);
    }

    public static class SampleRoutes
    {
        public static void Map(IEndpointRouteBuilder group) => ArgumentNullException.ThrowIfNull(group);
    }

    public static class SampleModule
    {
        public static IEndpointRouteBuilder MapSampleModule(this IEndpointRouteBuilder app) => app;
    }

    public sealed class LeakyService;

    internal sealed class QuietService;
}

namespace IopPlatform.Architecture.Tests.Samples.Sql
{
    /// <summary>SQL as an Enrollment feature would hold it, with a read of Scheduling's table and an engine clock.</summary>
    internal static class BadEnrollmentQueries
    {
        public const string Own = "SELECT id FROM enrollment_site WHERE id = @Id";

        private const string ReadsScheduling = "SELECT s.id FROM enrollment_program p JOIN scheduling_session s ON s.program_id = p.id";

        private const string EngineClock = "UPDATE enrollment_site SET created_at = GETUTCDATE() WHERE id = @Id";

        private static class Nested
        {
            private const string ReadsPlatform = "SELECT id FROM platform_audit_entry";
        }
    }
}

namespace IopPlatform.Architecture.Tests.Samples.Reactions
{
    using System.Data.Common;
    using IopPlatform.BuildingBlocks.Reactions;

    public sealed record SampleBooked(Guid Id) : INotification;

    public sealed record SampleNoted(Guid Id) : INotification;

    public sealed record SampleEnded(Guid Id) : INotification;

    public sealed class SampleBookingListener : INotificationHandler<SampleBooked>, INotificationHandler<SampleEnded>
    {
        public Task Handle(SampleBooked notification, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task Handle(SampleEnded notification, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Publishes a handled notification in memory only (bad), an unhandled one (fine), one durably (good), one untyped (bad).</summary>
    public sealed class SamplePublisher(IMediator mediator, IReactionOutbox reactions)
    {
        public async Task Run(DbConnection connection, DbTransaction tx, INotification unknown)
        {
            await mediator.Publish(new SampleBooked(Guid.NewGuid()));
            await mediator.Publish(new SampleNoted(Guid.NewGuid()));
            await reactions.EnqueueAsync(connection, tx, new SampleEnded(Guid.NewGuid()), Guid.NewGuid(), CancellationToken.None);
            await mediator.Publish(unknown);
        }
    }
}
