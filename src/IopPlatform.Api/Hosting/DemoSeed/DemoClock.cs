namespace IopPlatform.Api.Hosting.DemoSeed;

/// <summary>
/// The host's clock while <c>seed-demo</c> runs: the seeder walks it forward through the past weeks so that every
/// record is made "live" by the product (sessions materialised, attendance recorded after the session, jobs run on
/// the day) instead of being backdated by hand.
/// </summary>
internal sealed class DemoClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void MoveTo(DateTimeOffset instant) => Interlocked.Exchange(ref _utcTicks, instant.UtcTicks);
}
