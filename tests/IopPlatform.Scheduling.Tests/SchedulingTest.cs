using System.Net;
using System.Net.Http.Headers;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Scheduling.Features.Groups;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Scheduling.Tests;

/// <summary>Shared steps of the Scheduling feature tests: sites, groups, enrollments (through Enrollment's notifications), SQL checks.</summary>
public abstract class SchedulingTest<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    protected async Task<SiteDto> Site(string zone)
    {
        var response = await Api.Admin().PostJson("/api/v1/sites", new { name = $"Site {zone}", timeZone = zone });
        return await response.Read<SiteDto>(HttpStatusCode.Created);
    }

    internal async Task<GroupDto> Group(Guid siteId, string[] days, string start, string end, DateOnly firstDate, int capacity = 12, DateOnly? lastDate = null)
    {
        var response = await Api.Admin().PostJson("/api/v1/groups", new
        {
            siteId,
            name = "Evening recovery",
            track = "adult",
            sessionKind = "group_recovery",
            capacity,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = days,
            startTime = start,
            endTime = end,
            firstDate,
            lastDate,
        });
        return await response.Read<GroupDto>(HttpStatusCode.Created);
    }

    protected static readonly string[] EveryDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    protected async Task<IReadOnlyList<SessionDto>> Sessions(Guid groupId)
    {
        var response = await Api.Admin().GetAsync($"/api/v1/groups/{groupId}/sessions?limit=200", Ct);
        return await response.ReadItems<SessionDto>();
    }

    /// <summary>Plays Enrollment: an activated enrollment (adult, 9 h) at the site, optionally with core groups.</summary>
    protected async Task<Guid> Activate(Guid siteId, params Guid[] coreGroups)
    {
        var enrollmentId = Guid.CreateVersion7();
        var now = Api.Clock.GetUtcNow();
        await Publish(new EnrollmentActivated(enrollmentId, Guid.CreateVersion7(), Guid.CreateVersion7(), siteId, DateOnly.FromDateTime(now.UtcDateTime), AgeGroup.Adult, 9m, coreGroups, now));
        return enrollmentId;
    }

    protected async Task Publish<T>(T notification)
        where T : INotification
    {
        using var scope = Api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(notification, Ct);
    }

    protected async Task Send<T>(IRequest<T> request)
    {
        using var scope = Api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, Ct);
    }

    protected async Task<T> Ask<T>(IRequest<T> request)
    {
        using var scope = Api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, Ct);
    }

    protected async Task<long> Count(string sql, object? args = null)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    protected async Task<List<T>> Rows<T>(string sql, object? args = null)
    {
        await using var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: Ct))).AsList();
    }

    protected static HttpRequestMessage WithIfMatch(HttpMethod method, string url, object? body, string? etag)
    {
        var message = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            message.Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options);
        }
        if (etag is not null)
        {
            message.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return message;
    }

    protected static DateOnly LocalToday(DateTimeOffset now, string zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime);
}
