using Xunit;

namespace IopPlatform.Testing;

/// <summary>
/// Base of HTTP feature tests. A feature test class is abstract over the engine; one small sealed class per engine
/// binds it to <see cref="SqliteApi"/>, <see cref="PostgresApi"/> or <see cref="SqlServerApi"/>.
/// </summary>
public abstract class EngineTest<TApi>
    where TApi : ApiFactory
{
    protected EngineTest(TApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.SkipIfUnavailable();
        Api = api;
    }

    protected TApi Api { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
}
