namespace IopPlatform.Bench.DataGen;

/// <summary>
/// The shape of a generated organisation for a number of active enrollments: groups of ten patients meeting Monday to
/// Thursday 17:00–20:00 local time for twelve weeks (the current week included), plus weekend "make-up" sessions with
/// bookings but no attendance — the pool the load test records attendance into (reset between runs).
/// </summary>
internal sealed class Plan
{
    public const int GroupSize = 10;
    public const int Weeks = 12;
    public const int RegularPerWeek = 4;
    public const int PoolWeeks = Weeks - 1;
    public const int PoolPerWeek = 2;
    public const int RegularSessions = Weeks * RegularPerWeek;
    public const int SessionsPerGroup = RegularSessions + PoolWeeks * PoolPerWeek;
    public const int MeasureEveryDays = 14;
    public const int DrugTestEveryDays = 14;
    public const int AnalytesPerTest = 3;
    public const string PoolMarker = "bench-pool";
    public const string Recorder = "bench-datagen";

    public static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"];

    public Plan(int enrollments, int seed, DateTimeOffset now)
    {
        Enrollments = enrollments;
        Seed = seed;
        Now = now;
        Groups = (enrollments + GroupSize - 1) / GroupSize;
        Sites = Math.Clamp((enrollments + 2499) / 2500, 1, 40);
        Programs = Sites * 2;
        CaseManagers = Math.Max(1, enrollments / 40);
        Counsellors = Math.Max(1, enrollments / 40);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        FirstMonday = monday.AddDays(-7 * (Weeks - 1));
        BaseMs = new DateTimeOffset(FirstMonday.AddDays(-30).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        TimeZones = Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).ToArray();
    }

    public int Enrollments { get; }

    public int Seed { get; }

    public DateTimeOffset Now { get; }

    public int Groups { get; }

    public int Sites { get; }

    public int Programs { get; }

    public int CaseManagers { get; }

    public int Counsellors { get; }

    public DateOnly FirstMonday { get; }

    public long BaseMs { get; }

    private TimeZoneInfo[] TimeZones { get; }

    public Guid Id(IdKind kind, long index) => Ids.Make((byte)kind, index, BaseMs, Seed);

    public int SiteOfGroup(int g) => g % Sites;

    public int ProgramOfGroup(int g) => (g % Sites * 2) + (g / Sites % 2);

    public static int SiteOfProgram(int p) => p / 2;

    public TimeZoneInfo ZoneOfSite(int s) => TimeZones[s % TimeZones.Length];

    public static string ZoneIdOfSite(int s) => Zones[s % Zones.Length];

    public DateOnly AdmissionDate(int e) => FirstMonday.AddDays(-Dice.Range(Seed, 0, 7, e, 11));

    public DateTimeOffset AdmittedAt(int e) => new(AdmissionDate(e).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    /// <summary>One patient in ten drifts: attendance falls away over the last four weeks (so the drift job has work).</summary>
    public bool Drifts(int e) => Dice.Unit(Seed, e, 12) < 0.1;

    /// <summary>Session k of a group: its local date and local start/end times.</summary>
    public (DateOnly Date, TimeOnly Start, TimeOnly End, bool Pool) SessionSlot(int k)
    {
        if (k < RegularSessions)
        {
            var week = k / RegularPerWeek;
            return (FirstMonday.AddDays(7 * week + k % RegularPerWeek), new TimeOnly(17, 0), new TimeOnly(20, 0), false);
        }
        var p = k - RegularSessions;
        return (FirstMonday.AddDays(7 * (p / PoolPerWeek) + 5 + p % PoolPerWeek), new TimeOnly(10, 0), new TimeOnly(13, 0), true);
    }

    public (DateTimeOffset Starts, DateTimeOffset Ends) SessionInstants(int g, int k)
    {
        var (date, start, end, _) = SessionSlot(k);
        var zone = ZoneOfSite(SiteOfGroup(g));
        return (Utc(date, start, zone), Utc(date, end, zone));
    }

    private static DateTimeOffset Utc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>Rows this plan writes, roughly (for the ETA).</summary>
    public long PlannedRows()
    {
        long n = Enrollments;
        var perEnrollment = 1 /*patient*/ + 1 /*enrollment*/ + 3 /*history*/ + 2 /*care team*/ + 1 /*scheduling copy*/ + 1 /*member*/
            + SessionsPerGroup /*bookings*/ + RegularSessions /*attendance*/
            + 2 * (Weeks * 7 / MeasureEveryDays) + (Weeks * 7 / DrugTestEveryDays) * (2 + AnalytesPerTest);
        return n * perEnrollment + (long)Groups * (SessionsPerGroup + 3);
    }
}

internal enum IdKind : byte
{
    Site = 1,
    Program = 2,
    Patient = 3,
    Enrollment = 4,
    StatusHistory = 5,
    CareTeam = 6,
    Group = 7,
    Recurrence = 8,
    Session = 9,
    Member = 10,
    Booking = 11,
    Attendance = 12,
    Measure = 13,
    DrugTest = 14,
}
