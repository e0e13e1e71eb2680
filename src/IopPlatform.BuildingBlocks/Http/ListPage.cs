using System.Buffers.Text;
using System.Text;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// Cursor paging for lists of one parent's children (a note's signatures, a goal's history, a patient's consents) that a
/// handler reads whole: the endpoint checks limit and cursor before anything is read, then answers the page after the
/// cursor. The cursor is the order key of the last item returned (not a position), so an item added or removed between
/// two calls neither repeats nor hides another one; clients see the same <see cref="CursorPage{T}"/> as a SQL keyset list.
/// </summary>
public static class ListPage
{
    /// <summary>Checks <paramref name="limit"/> and <paramref name="cursor"/>, reads the list, answers one page of it.</summary>
    /// <param name="limit">Page size, 1–<see cref="Cursor.MaxLimit"/> (else 400 on <c>limit</c>).</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c> (else 400 on <c>cursor</c>).</param>
    /// <param name="read">Reads the whole list.</param>
    /// <param name="key">The item's unique order key; the list is answered in its ordinal order.</param>
    /// <param name="descending">True for newest-first lists whose keys decrease.</param>
    public static Task<CursorPage<T>> Of<T>(int limit, string? cursor, Func<Task<IReadOnlyList<T>>> read, Func<T, string> key, bool descending = false) =>
        Of(limit, cursor, read, (item, _) => key(item), descending);

    /// <summary>As above, for append-only lists (history, versions) keyed by the item's position, which never moves.</summary>
    public static async Task<CursorPage<T>> Of<T>(int limit, string? cursor, Func<Task<IReadOnlyList<T>>> read, Func<T, int, string> key, bool descending = false)
    {
        CheckLimit(limit);
        var after = DecodeKey(cursor);
        var keyed = (await read()).Select((item, position) => (Item: item, Key: key(item, position)));
        keyed = descending ? keyed.OrderByDescending(x => x.Key, StringComparer.Ordinal) : keyed.OrderBy(x => x.Key, StringComparer.Ordinal);
        if (after is not null)
        {
            keyed = keyed.Where(x => descending ? string.CompareOrdinal(x.Key, after) < 0 : string.CompareOrdinal(x.Key, after) > 0);
        }
        var rest = keyed.Take(limit + 1).ToList();
        var items = rest.Take(limit).Select(x => x.Item).ToList();
        return new CursorPage<T>(items, rest.Count > limit ? EncodeKey(rest[limit - 1].Key) : null);
    }

    /// <summary>Order key of a time-ordered (version 7) id: its hex digits sort as the ids were made.</summary>
    public static string Key(Guid id) => id.ToString("N");

    /// <summary>Order key of a time with the id that breaks its ties.</summary>
    public static string Key(DateTimeOffset at, Guid id) =>
        at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture) + Key(id);

    /// <summary>Order key of a date with the id that breaks its ties.</summary>
    public static string Key(DateOnly on, Guid id) => on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + Key(id);

    /// <summary>Order key of a position in an append-only list (history, versions): positions never move.</summary>
    public static string Key(int position) => position.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Throws the 400 every list answers for a page size outside 1–<see cref="Cursor.MaxLimit"/>.</summary>
    public static void CheckLimit(int limit)
    {
        if (limit is < 1 or > Cursor.MaxLimit)
        {
            throw new BadRequestException("limit", $"limit must be between 1 and {Cursor.MaxLimit}.");
        }
    }

    /// <summary>The cursor that carries an order key.</summary>
    public static string EncodeKey(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>The order key a cursor carries (null for none; else 400 on <c>cursor</c>).</summary>
    public static string? DecodeKey(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (key.Length is > 0 and <= 200)
            {
                return key;
            }
        }
        catch (FormatException)
        {
            // falls through to the 400 below
        }
        throw new BadRequestException("cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }
}
