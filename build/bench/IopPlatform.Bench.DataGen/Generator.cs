using System.Globalization;

namespace IopPlatform.Bench.DataGen;

/// <summary>
/// Rows of every table the benchmark needs, in the modules' own layouts (see each module's migrations). A bench tool
/// may write several modules' tables; product code never does.
/// </summary>
internal sealed class Generator(Plan plan)
{
    private static readonly string[] GivenNames = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew", "Robin"];
    private static readonly string[] FamilyNames = ["Garcia", "Smith", "Nguyen", "Johnson", "Patel", "Brown", "Lopez", "Kim", "Miller", "Davis", "Wilson", "Moore"];
    private static readonly string[] Sexes = ["female", "male"];
    private static readonly string[] Analytes = ["alcohol", "opioids", "cocaine"];

    private int Seed => plan.Seed;

    public IEnumerable<(TableSpec Table, IEnumerable<object?[]> Rows)> Tables()
    {
        yield return (Spec("enrollment_site", ("id", Col.Uuid), ("name", Col.Text), ("time_zone", Col.Text), ("version", Col.Int), ("created_at", Col.Instant)), Sites());
        yield return (Spec("enrollment_program", ("id", Col.Uuid), ("site_id", Col.Uuid), ("name", Col.Text), ("level_of_care", Col.Text),
            ("required_hours_adult", Col.Numeric), ("required_hours_adolescent", Col.Numeric), ("expected_length_weeks", Col.Int), ("version", Col.Int),
            ("created_at", Col.Instant)), Programs());
        yield return (Spec("enrollment_patient", ("id", Col.Uuid), ("mrn", Col.Text), ("given_name", Col.Text), ("family_name", Col.Text),
            ("date_of_birth", Col.Date), ("sex_at_birth", Col.Text), ("phone", Col.Text), ("email", Col.Text), ("address_line1", Col.Text),
            ("address_city", Col.Text), ("address_region", Col.Text), ("address_postal_code", Col.Text), ("address_country", Col.Text),
            ("preferred_language", Col.Text), ("created_by", Col.Text), ("version", Col.Int), ("created_at", Col.Instant), ("updated_at", Col.Instant)), Patients());
        yield return (Spec("enrollment_enrollment", ("id", Col.Uuid), ("patient_id", Col.Uuid), ("program_id", Col.Uuid), ("status", Col.Text),
            ("referred_by_clinician", Col.Text), ("referral_date", Col.Date), ("recommended_by", Col.Text), ("recommended_on", Col.Date),
            ("recommended_level_of_care", Col.Text), ("actual_level_of_care", Col.Text), ("dual_diagnosis", Col.Bool), ("diagnosis_codes", Col.Text),
            ("expected_positive_analytes", Col.Text), ("age_group", Col.Text), ("admission_date", Col.Date), ("version", Col.Int),
            ("created_at", Col.Instant), ("updated_at", Col.Instant)), Enrollments());
        yield return (Spec("enrollment_status_history", ("id", Col.Uuid), ("enrollment_id", Col.Uuid), ("from_status", Col.Text), ("to_status", Col.Text),
            ("changed_by", Col.Text), ("changed_by_type", Col.Text), ("changed_at", Col.Instant), ("reason", Col.Text)), StatusHistory());
        yield return (Spec("enrollment_care_team_assignment", ("id", Col.Uuid), ("enrollment_id", Col.Uuid), ("role", Col.Text), ("user_id", Col.Text),
            ("display_name", Col.Text), ("assigned_from", Col.Instant), ("assigned_by", Col.Text)), CareTeam());
        yield return (Spec("scheduling_enrollment", ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid), ("program_id", Col.Uuid), ("site_id", Col.Uuid),
            ("status", Col.Text), ("required_minutes_per_week", Col.Int), ("age_group", Col.Text), ("updated_at", Col.Instant)), SchedulingEnrollments());
        yield return (Spec("scheduling_group", ("id", Col.Uuid), ("site_id", Col.Uuid), ("time_zone", Col.Text), ("name", Col.Text), ("session_kind", Col.Text),
            ("capacity", Col.Int), ("version", Col.Int), ("created_at", Col.Instant), ("updated_at", Col.Instant)), Groups());
        yield return (Spec("scheduling_group_facilitator", ("group_id", Col.Uuid), ("staff_id", Col.Text)), Facilitators());
        yield return (Spec("scheduling_group_recurrence", ("id", Col.Uuid), ("group_id", Col.Uuid), ("valid_from", Col.Date), ("days_of_week", Col.Text),
            ("start_time", Col.Time), ("end_time", Col.Time), ("created_at", Col.Instant)), Recurrences());
        yield return (Spec("scheduling_session", ("id", Col.Uuid), ("group_id", Col.Uuid), ("local_date", Col.Date), ("starts_at", Col.Instant),
            ("ends_at", Col.Instant), ("status", Col.Text), ("status_reason", Col.Text), ("missed_checked_at", Col.Instant), ("version", Col.Int),
            ("created_at", Col.Instant), ("updated_at", Col.Instant)), Sessions());
        yield return (Spec("scheduling_group_member", ("id", Col.Uuid), ("group_id", Col.Uuid), ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid),
            ("status", Col.Text), ("joined_at", Col.Instant), ("version", Col.Int), ("updated_at", Col.Instant)), Members());
        yield return (Spec("scheduling_booking", ("id", Col.Uuid), ("session_id", Col.Uuid), ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid),
            ("source", Col.Text), ("status", Col.Text), ("created_at", Col.Instant), ("updated_at", Col.Instant)), Bookings());
        yield return (Spec("scheduling_attendance", ("id", Col.Uuid), ("session_id", Col.Uuid), ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid),
            ("status", Col.Text), ("minutes", Col.Int), ("telehealth", Col.Bool), ("notice_given_at", Col.Instant), ("source", Col.Text),
            ("recorded_by", Col.Text), ("recorded_at", Col.Instant), ("version", Col.Int), ("updated_at", Col.Instant)), Attendance());
        yield return (Spec("outcomes_measure", ("id", Col.Uuid), ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid), ("program_id", Col.Uuid),
            ("instrument", Col.Text), ("administered_at", Col.Instant), ("answers", Col.Text), ("total", Col.Int), ("band", Col.Text), ("flags", Col.Text),
            ("recorded_by", Col.Text), ("recorded_at", Col.Instant)), Measures());
        yield return (Spec("outcomes_drug_test", ("id", Col.Uuid), ("enrollment_id", Col.Uuid), ("patient_id", Col.Uuid), ("version", Col.Int),
            ("created_at", Col.Instant)), DrugTests());
        yield return (Spec("outcomes_drug_test_version", ("drug_test_id", Col.Uuid), ("version", Col.Int), ("specimen", Col.Text), ("method", Col.Text),
            ("collected_at", Col.Instant), ("status", Col.Text), ("overall_result", Col.Text), ("needs_confirmation", Col.Bool), ("recorded_by", Col.Text),
            ("recorded_at", Col.Instant)), DrugTestVersions());
        yield return (Spec("outcomes_drug_test_analyte", ("drug_test_id", Col.Uuid), ("version", Col.Int), ("analyte", Col.Text), ("result", Col.Text),
            ("expected", Col.Bool)), DrugTestAnalytes());
    }

    private static TableSpec Spec(string name, params (string, Col)[] columns) => new(name, columns);

    private DateTimeOffset Created => new(plan.FirstMonday.AddDays(-30).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero);

    private IEnumerable<object?[]> Sites()
    {
        for (var s = 0; s < plan.Sites; s++)
        {
            yield return [plan.Id(IdKind.Site, s), $"Bench site {s + 1}", Plan.ZoneIdOfSite(s), 1, Created];
        }
    }

    private IEnumerable<object?[]> Programs()
    {
        for (var p = 0; p < plan.Programs; p++)
        {
            yield return [plan.Id(IdKind.Program, p), plan.Id(IdKind.Site, Plan.SiteOfProgram(p)), $"Bench IOP {p + 1}", "asam-3:2.1", 9.00m, 6.00m, 12, 1, Created];
        }
    }

    private IEnumerable<object?[]> Patients()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var dob = new DateOnly(1960, 1, 1).AddDays(Dice.Range(Seed, 0, 40 * 365, e, 1));
            var at = plan.AdmittedAt(e).AddDays(-14);
            yield return [plan.Id(IdKind.Patient, e), "B" + e.ToString("D7", CultureInfo.InvariantCulture),
                GivenNames[Dice.Range(Seed, 0, GivenNames.Length, e, 2)], FamilyNames[Dice.Range(Seed, 0, FamilyNames.Length, e, 3)], dob,
                Sexes[Dice.Range(Seed, 0, 2, e, 4)], "+1 555 " + (e % 10_000_000).ToString("D7", CultureInfo.InvariantCulture), $"patient{e}@example.org",
                $"{e % 900 + 100} Main St", "Springfield", "IL", "62701", "US", "en", Plan.Recorder, 1, at, at];
        }
    }

    private IEnumerable<object?[]> Enrollments()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var admission = plan.AdmissionDate(e);
            var referral = admission.AddDays(-14);
            var at = plan.AdmittedAt(e);
            yield return [plan.Id(IdKind.Enrollment, e), plan.Id(IdKind.Patient, e), plan.Id(IdKind.Program, plan.ProgramOfGroup(e / Plan.GroupSize)), "active",
                "Dr Bench", referral, "Dr Bench", referral.AddDays(3), "asam-3:2.1", "asam-3:2.1", false, "[\"F10.20\"]", "[]", "adult", admission, 3,
                at.AddDays(-14), at];
        }
    }

    private IEnumerable<object?[]> StatusHistory()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var id = plan.Id(IdKind.Enrollment, e);
            var at = plan.AdmittedAt(e);
            yield return [plan.Id(IdKind.StatusHistory, 3L * e), id, null, "referred", Plan.Recorder, "user", at.AddDays(-14), null];
            yield return [plan.Id(IdKind.StatusHistory, 3L * e + 1), id, "referred", "screened", Plan.Recorder, "user", at.AddDays(-11), null];
            yield return [plan.Id(IdKind.StatusHistory, 3L * e + 2), id, "screened", "active", Plan.Recorder, "user", at, null];
        }
    }

    public static string CaseManagerId(int c) => "cm-" + c.ToString("D5", CultureInfo.InvariantCulture);

    private IEnumerable<object?[]> CareTeam()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var id = plan.Id(IdKind.Enrollment, e);
            var at = plan.AdmittedAt(e);
            var cm = e % plan.CaseManagers;
            var co = e / Plan.GroupSize % plan.Counsellors;
            yield return [plan.Id(IdKind.CareTeam, 2L * e), id, "case_manager", CaseManagerId(cm), $"Case Manager {cm}", at, Plan.Recorder];
            yield return [plan.Id(IdKind.CareTeam, 2L * e + 1), id, "primary_counsellor", $"counsellor-{co:D5}", $"Counsellor {co}", at, Plan.Recorder];
        }
    }

    private IEnumerable<object?[]> SchedulingEnrollments()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var g = e / Plan.GroupSize;
            yield return [plan.Id(IdKind.Enrollment, e), plan.Id(IdKind.Patient, e), plan.Id(IdKind.Program, plan.ProgramOfGroup(g)),
                plan.Id(IdKind.Site, plan.SiteOfGroup(g)), "active", 540, "adult", plan.AdmittedAt(e)];
        }
    }

    private IEnumerable<object?[]> Groups()
    {
        for (var g = 0; g < plan.Groups; g++)
        {
            var s = plan.SiteOfGroup(g);
            yield return [plan.Id(IdKind.Group, g), plan.Id(IdKind.Site, s), Plan.ZoneIdOfSite(s), $"Bench group {g + 1}", "group_recovery", 12, 1, Created, Created];
        }
    }

    private IEnumerable<object?[]> Facilitators()
    {
        for (var g = 0; g < plan.Groups; g++)
        {
            yield return [plan.Id(IdKind.Group, g), $"counsellor-{g % plan.Counsellors:D5}"];
        }
    }

    private IEnumerable<object?[]> Recurrences()
    {
        for (var g = 0; g < plan.Groups; g++)
        {
            yield return [plan.Id(IdKind.Recurrence, g), plan.Id(IdKind.Group, g), plan.FirstMonday, "Monday,Tuesday,Wednesday,Thursday",
                new TimeOnly(17, 0), new TimeOnly(20, 0), Created];
        }
    }

    public Guid SessionId(int g, int k) => plan.Id(IdKind.Session, (long)g * Plan.SessionsPerGroup + k);

    private IEnumerable<object?[]> Sessions()
    {
        for (var g = 0; g < plan.Groups; g++)
        {
            for (var k = 0; k < Plan.SessionsPerGroup; k++)
            {
                var (date, _, _, pool) = plan.SessionSlot(k);
                var (starts, ends) = plan.SessionInstants(g, k);
                // Regular sessions already over were checked by the missed-session job; pool sessions stay open for the load.
                DateTimeOffset? checkedAt = !pool && ends < plan.Now ? ends.AddHours(1) : null;
                yield return [SessionId(g, k), plan.Id(IdKind.Group, g), date, starts, ends, "scheduled", pool ? Plan.PoolMarker : null, checkedAt, 1, Created, Created];
            }
        }
    }

    private IEnumerable<object?[]> Members()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            yield return [plan.Id(IdKind.Member, e), plan.Id(IdKind.Group, e / Plan.GroupSize), plan.Id(IdKind.Enrollment, e), plan.Id(IdKind.Patient, e),
                "active", plan.AdmittedAt(e), 1, plan.AdmittedAt(e)];
        }
    }

    private IEnumerable<object?[]> Bookings()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var g = e / Plan.GroupSize;
            var at = plan.AdmittedAt(e);
            for (var k = 0; k < Plan.SessionsPerGroup; k++)
            {
                yield return [plan.Id(IdKind.Booking, (long)e * Plan.SessionsPerGroup + k), SessionId(g, k), plan.Id(IdKind.Enrollment, e),
                    plan.Id(IdKind.Patient, e), "group", "booked", at, at];
            }
        }
    }

    private IEnumerable<object?[]> Attendance()
    {
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var g = e / Plan.GroupSize;
            var drifts = plan.Drifts(e);
            for (var k = 0; k < Plan.RegularSessions; k++)
            {
                var (starts, ends) = plan.SessionInstants(g, k);
                if (ends >= plan.Now)
                {
                    break;
                }
                var week = k / Plan.RegularPerWeek;
                // Steady patients attend 97 % of sessions (2 % late, 1 % leaving early): a program that runs well, so the
                // alerts come from the one patient in ten who drifts away over the last four weeks (85 % → 25 %), not from
                // everyone. (With 85 % for all, weekly_hours fired for half the cohort: 8,380 alerts at 10k enrollments.)
                var presentChance = drifts && week >= Plan.Weeks - 4 ? 0.85 - 0.2 * (week - (Plan.Weeks - 4)) : 0.97;
                var u = Dice.Unit(Seed, e, k, 20);
                var (status, minutes) = u < presentChance - 0.03 ? ("present", 180)
                    : u < presentChance - 0.01 ? ("late", 150)
                    : u < presentChance ? ("left_early", 120)
                    : u < presentChance + (1 - presentChance) / 2 ? ("absent_excused", 0)
                    : ("absent_unexcused", 0);
                DateTimeOffset? notice = status == "absent_excused" ? starts.AddHours(-48) : null;
                var telehealth = Dice.Unit(Seed, e, k, 21) < 0.1;
                yield return [plan.Id(IdKind.Attendance, (long)e * Plan.SessionsPerGroup + k), SessionId(g, k), plan.Id(IdKind.Enrollment, e),
                    plan.Id(IdKind.Patient, e), status, minutes, telehealth, notice, "staff", Plan.Recorder, ends.AddMinutes(10), 1, ends.AddMinutes(10)];
            }
        }
    }

    private IEnumerable<DateTimeOffset> Every(int e, int days)
    {
        for (var at = plan.AdmittedAt(e).AddHours(1); at < plan.Now; at = at.AddDays(days))
        {
            yield return at;
        }
    }

    private IEnumerable<object?[]> Measures()
    {
        long n = 0;
        for (var e = 0; e < plan.Enrollments; e++)
        {
            var program = plan.Id(IdKind.Program, plan.ProgramOfGroup(e / Plan.GroupSize));
            var i = 0;
            foreach (var at in Every(e, Plan.MeasureEveryDays))
            {
                foreach (var (instrument, items) in new[] { ("phq9", 9), ("gad7", 7) })
                {
                    var answers = new int[items];
                    for (var j = 0; j < items; j++)
                    {
                        // PHQ-9 item 9 stays 0: generated history raises no safety alerts.
                        answers[j] = instrument == "phq9" && j == 8 ? 0 : Dice.Range(Seed, 0, 3, e, i, 100 + j);
                    }
                    var total = answers.Sum();
                    var band = total < 5 ? "minimal" : total < 10 ? "mild" : total < 15 ? "moderate" : instrument == "phq9" && total < 20 ? "moderately_severe" : "severe";
                    yield return [plan.Id(IdKind.Measure, n++), plan.Id(IdKind.Enrollment, e), plan.Id(IdKind.Patient, e), program, instrument, at,
                        string.Join(',', answers), total, band, string.Empty, Plan.Recorder, at];
                }
                i++;
            }
        }
    }

    private IEnumerable<(long Index, int Enrollment, DateTimeOffset At)> DrugTestSlots()
    {
        long n = 0;
        for (var e = 0; e < plan.Enrollments; e++)
        {
            foreach (var at in Every(e, Plan.DrugTestEveryDays))
            {
                yield return (n++, e, at.AddDays(3));
            }
        }
    }

    private IEnumerable<object?[]> DrugTests() => DrugTestSlots().Where(t => t.At < plan.Now).Select(t =>
        new object?[] { plan.Id(IdKind.DrugTest, t.Index), plan.Id(IdKind.Enrollment, t.Enrollment), plan.Id(IdKind.Patient, t.Enrollment), 1, t.At });

    private IEnumerable<object?[]> DrugTestVersions() => DrugTestSlots().Where(t => t.At < plan.Now).Select(t =>
        new object?[] { plan.Id(IdKind.DrugTest, t.Index), 1, "urine", "point_of_care", t.At, "resulted", "negative", false, Plan.Recorder, t.At });

    private IEnumerable<object?[]> DrugTestAnalytes() => DrugTestSlots().Where(t => t.At < plan.Now).SelectMany(t =>
        Analytes.Select(a => new object?[] { plan.Id(IdKind.DrugTest, t.Index), 1, a, "negative", false }));
}
