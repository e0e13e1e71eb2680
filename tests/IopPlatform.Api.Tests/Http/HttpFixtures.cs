using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using IopPlatform.BuildingBlocks.Data;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using IopPlatform.Testing;
using OpenTelemetry.Trace;

namespace IopPlatform.Api.Tests.Http;

/// <summary>
/// The API with three test hooks: a gate that can hold one request inside its handler, every log line captured (at
/// Trace level), and every finished span exported to memory.
/// </summary>
public abstract class HttpApi : ApiFactory
{
    protected HttpApi(DatabaseEngine engine)
        : base(engine)
    {
        // An operator at full verbosity for the framework: patient data must still stay out of the logs.
        Set("Logging:LogLevel:Default", "Trace");
        Set("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
    }

    public RequestGate Gate { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public List<Activity> Spans { get; } = [];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Gate);
        // Registered last, so innermost: validation has passed when a request waits here.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(GateBehavior<,>));
        services.AddSingleton<ILoggerProvider>(Logs);
        // Every level of the platform's own categories; framework categories as the app's logging configuration says.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(CapturedLogs).FullName, "IopPlatform", LogLevel.Trace, null)));
        services.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(Spans));
    }

    public async Task<DbConnection> OpenDatabase() => await Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
}

public sealed class HttpSqliteApi() : HttpApi(DatabaseEngine.Sqlite);

public sealed class HttpPostgresApi() : HttpApi(DatabaseEngine.Postgres);

public sealed class HttpSqlServerApi() : HttpApi(DatabaseEngine.SqlServer);

/// <summary>A budget of three requests per minute per client, and one browser origin allowed (CORS).</summary>
public sealed class RateLimitedApi : ApiFactory
{
    public const int Permits = 3;
    public const string AllowedOrigin = "https://partner-app.example";

    public RateLimitedApi()
        : base(DatabaseEngine.Sqlite)
    {
        Set("RateLimiting:PermitsPerMinute", Permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Cors:AllowedOrigins:0", AllowedOrigin);
    }
}

/// <summary>Once armed, holds the next request that reaches its handler until released.</summary>
public sealed class RequestGate
{
    private int _armed;
    private int _failNext;

    public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Arm()
    {
        Entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>The next request that reaches its handler fails as a bug would (500).</summary>
    public void FailNext() => Volatile.Write(ref _failNext, 1);

    internal async Task PassAsync()
    {
        if (Interlocked.Exchange(ref _failNext, 0) == 1)
        {
            throw new InvalidOperationException("Injected failure");
        }
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Entered.TrySetResult();
            await Release.Task;
        }
    }
}

internal sealed class GateBehavior<TRequest, TResponse>(RequestGate gate) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        await gate.PassAsync();
        return await next();
    }
}

/// <summary>Every log line the host writes: message, structured values and exception text.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} | {Describe(state)} | {exception}");

        private static string Describe(object? state) =>
            state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join("; ", values.Select(v => $"{v.Key}={v.Value}"))
                : state?.ToString() ?? string.Empty;
    }
}
