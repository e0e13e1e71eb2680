using System.Globalization;

namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>An instant interval [From, Before) a FHIR date search narrows to; open ends are null.</summary>
internal sealed record FhirDateRange(DateTimeOffset? From, DateTimeOffset? Before);

/// <summary>Parses the values of FHIR search parameters (date, token, reference); a value it cannot read is a 400.</summary>
internal static class FhirSearchValues
{
    private static readonly string[] Prefixes = ["eq", "ge", "gt", "le", "lt"];

    /// <summary>
    /// Every <c>date</c> value narrows the range (date=ge2026-01-01&amp;date=lt2026-02-01). Precision follows the value:
    /// a year, month or day stands for its whole span (in UTC); a dateTime is an instant.
    /// </summary>
    public static FhirDateRange DateRange(string name, IReadOnlyList<string> values)
    {
        DateTimeOffset? from = null;
        DateTimeOffset? before = null;
        foreach (var raw in values)
        {
            var prefix = raw.Length > 2 && Prefixes.Contains(raw[..2], StringComparer.Ordinal) ? raw[..2] : "eq";
            var text = prefix == "eq" && !raw.StartsWith("eq", StringComparison.Ordinal) ? raw : raw[2..];
            var (start, end) = Span(name, text);
            switch (prefix)
            {
                case "eq":
                    from = Later(from, start);
                    before = Earlier(before, end);
                    break;
                case "ge":
                    from = Later(from, start);
                    break;
                case "gt":
                    from = Later(from, end);
                    break;
                case "le":
                    before = Earlier(before, end);
                    break;
                default:
                    before = Earlier(before, start);
                    break;
            }
        }
        return new FhirDateRange(from, before);
    }

    /// <summary>An exact calendar date (birthdate): only <c>eq</c> or no prefix, day precision.</summary>
    public static DateOnly? Date(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }
        var text = value.StartsWith("eq", StringComparison.Ordinal) ? value[2..] : value;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new BadRequestException(name, $"'{Clip(value)}' is not supported for {name}: give a day as yyyy-MM-dd (prefix eq or none).");
    }

    /// <summary>A token <c>[system|]code</c>: the system (null when absent) and the code.</summary>
    public static (string? System, string Code) Token(string name, string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        var system = bar < 0 ? null : value[..bar];
        var code = bar < 0 ? value : value[(bar + 1)..];
        if (code.Length == 0)
        {
            throw new BadRequestException(name, $"Search parameter '{name}' needs a code.");
        }
        return (string.IsNullOrEmpty(system) ? null : system, code);
    }

    /// <summary>A reference to a resource of <paramref name="type"/> whose id is a Guid: <c>id</c> or <c>Type/id</c>.</summary>
    public static Guid? Reference(string name, string type, string? value)
    {
        if (value is null)
        {
            return null;
        }
        var id = value.StartsWith(type + "/", StringComparison.Ordinal) ? value[(type.Length + 1)..] : value;
        return Guid.TryParse(id, out var guid)
            ? guid
            : throw new BadRequestException(name, $"'{Clip(value)}' is not a reference to a {type} (give its id or {type}/id).");
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Span(string name, string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        var utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTime.TryParseExact(text, "yyyy", invariant, utc, out var year))
        {
            return (Utc(year), Utc(year.AddYears(1)));
        }
        if (DateTime.TryParseExact(text, "yyyy-MM", invariant, utc, out var month))
        {
            return (Utc(month), Utc(month.AddMonths(1)));
        }
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", invariant, utc, out var day))
        {
            return (Utc(day), Utc(day.AddDays(1)));
        }
        if (text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return (instant.ToUniversalTime(), instant.ToUniversalTime().AddTicks(1));
        }
        throw new BadRequestException(name, $"'{Clip(text)}' is not a FHIR date (yyyy, yyyy-MM, yyyy-MM-dd or a dateTime, with an optional eq/ge/gt/le/lt prefix).");
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
