namespace IopPlatform.Api.Hosting.DemoSeed;

/// <summary>How a demo patient engages with the program.</summary>
internal enum DemoPattern
{
    /// <summary>Attends reliably; an occasional late arrival or excused absence.</summary>
    Steady,

    /// <summary>Attends well at first, then slips: fewer sessions, positive tests, worse scores; some go quiet.</summary>
    Drifting,

    /// <summary>Stops coming after a couple of weeks and is discharged as left before completion.</summary>
    DroppedOut,

    /// <summary>Admitted early, attends six to seven weeks and completes.</summary>
    Completed,
}

/// <summary>One invented patient and the script of their episode, in days from the first demo day.</summary>
internal sealed record DemoPatient(
    int Index,
    string GivenName,
    string FamilyName,
    DateOnly DateOfBirth,
    string SexAtBirth,
    DemoPattern Pattern,
    int GroupIndex,
    int AdmissionDay,
    int? StopsAttendingDay,
    int? DischargeDay,
    int DriftFromDay,
    bool GoesQuiet,
    bool Buprenorphine,
    string Substance,
    int CaseManagerIndex)
{
    public string Mrn => $"DEMO-{Index + 1:D4}";
}

/// <summary>
/// The synthetic cohort: names are drawn from short lists of common invented first and family names (no real
/// person's data), every choice from one <see cref="Random"/> seeded by the caller, so a seed always yields the same
/// program.
/// </summary>
internal static class DemoCohort
{
    private static readonly string[] GivenNames =
    [
        "Avery", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Quinn", "Rowan", "Skyler", "Emerson", "Harper", "Parker",
        "Reese", "Sawyer", "Dakota", "Finley", "Hayden", "Kendall", "Logan", "Marlowe", "Noel", "Peyton", "Sage", "Tatum",
    ];

    private static readonly string[] FamilyNames =
    [
        "Ashdown", "Brennick", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Garrow", "Holloway", "Inglewood", "Jessup",
        "Kettering", "Larkspur", "Merriweather", "Northcott", "Oakhurst", "Pemberly", "Quillon", "Redfern", "Stanhope",
        "Thistlewood", "Underhill", "Vantreight", "Whitlock", "Yardley",
    ];

    private static readonly string[] Substances = ["alcohol", "cocaine", "opiates", "methamphetamine", "cannabis_thc"];

    /// <summary>Three groups: two at the first site, one at the second.</summary>
    public const int GroupCount = 3;

    public const int CaseManagerCount = 4;

    public static IReadOnlyList<DemoPatient> Plan(int seed, int patients, int weeks)
    {
        var rng = new Random(seed);
        var totalDays = weeks * 7;
        var completed = (int)Math.Round(patients * 0.2);
        var dropped = (int)Math.Round(patients * 0.15);
        var drifting = (int)Math.Round(patients * 0.25);
        var patterns = Enumerable.Repeat(DemoPattern.Completed, completed)
            .Concat(Enumerable.Repeat(DemoPattern.DroppedOut, dropped))
            .Concat(Enumerable.Repeat(DemoPattern.Drifting, drifting))
            .Concat(Enumerable.Repeat(DemoPattern.Steady, Math.Max(0, patients - completed - dropped - drifting)))
            .ToArray();
        rng.Shuffle(patterns);

        var cohort = new List<DemoPatient>(patients);
        for (var i = 0; i < patients; i++)
        {
            var pattern = patterns[i];
            var given = GivenNames[rng.Next(GivenNames.Length)];
            var family = FamilyNames[rng.Next(FamilyNames.Length)];
            var dob = new DateOnly(1966, 1, 1).AddDays(rng.Next(0, 365 * 38));
            var sex = rng.Next(2) == 0 ? "female" : "male";
            var group = rng.Next(GroupCount);
            int admission;
            int? stops = null, discharge = null;
            var driftFrom = totalDays;
            var goesQuiet = false;
            switch (pattern)
            {
                case DemoPattern.Completed:
                    admission = rng.Next(0, Math.Max(1, totalDays - 49));
                    discharge = Math.Min(admission + 42 + rng.Next(0, 8), totalDays - 2);
                    break;
                case DemoPattern.DroppedOut:
                    admission = rng.Next(0, Math.Max(1, totalDays - 35));
                    stops = admission + 10 + rng.Next(0, 11);
                    discharge = Math.Min(stops.Value + 12 + rng.Next(0, 5), totalDays - 1);
                    break;
                case DemoPattern.Drifting:
                    admission = rng.Next(0, Math.Max(1, totalDays - 28));
                    driftFrom = Math.Max(admission + 7, totalDays - 10 - rng.Next(0, 8));
                    goesQuiet = rng.Next(2) == 0;
                    break;
                default:
                    admission = rng.Next(0, Math.Max(1, totalDays - 10));
                    break;
            }
            cohort.Add(new DemoPatient(
                i, given, family, dob, sex, pattern, group, admission, stops, discharge, driftFrom, goesQuiet,
                Buprenorphine: rng.Next(10) < 3,
                Substance: Substances[rng.Next(Substances.Length)],
                CaseManagerIndex: (group == 2 ? 2 : 0) + rng.Next(2)));
        }
        return cohort;
    }

    /// <summary>
    /// The attendance outcome of one patient at one session, drawn from a generator of its own so that it does not
    /// depend on the order sessions are visited in. Null: nothing recorded (the missed-session job will mark it).
    /// </summary>
    public static string? Attendance(int seed, DemoPatient patient, int day, int totalDays)
    {
        var rng = new Random(unchecked((seed * 7919) + (patient.Index * 104729) + day));
        var roll = rng.NextDouble();
        if (patient.StopsAttendingDay is { } stops && day >= stops)
        {
            return null;
        }
        if (patient.Pattern == DemoPattern.Drifting && day >= patient.DriftFromDay)
        {
            if (patient.GoesQuiet && day >= totalDays - 9)
            {
                return null;
            }
            return roll < 0.45 ? "present" : roll < 0.55 ? "late" : null;
        }
        return roll switch
        {
            < 0.87 => "present",
            < 0.92 => "late",
            < 0.96 => "absent_excused",
            _ => null,
        };
    }
}
