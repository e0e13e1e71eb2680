using System.Buffers.Text;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>A page of a list: the items and the opaque cursor for the next page (null on the last page).</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset pagination over time-ordered (version 7) ids: stable under concurrent inserts, no offsets.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode(Guid lastId) => Base64Url.EncodeToString(lastId.ToByteArray(bigEndian: true));

    public static Guid? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length == 16)
            {
                return new Guid(bytes, bigEndian: true);
            }
        }
        catch (FormatException)
        {
            // falls through to the 400 below
        }
        throw new BadRequestException("cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }

    /// <summary>Fetch limit + 1 rows; this trims the extra one and makes the cursor from the last item kept.</summary>
    public static CursorPage<T> Page<T>(IReadOnlyList<T> rowsPlusOne, int limit, Func<T, Guid> id)
    {
        if (rowsPlusOne.Count <= limit)
        {
            return new CursorPage<T>(rowsPlusOne, null);
        }
        var items = rowsPlusOne.Take(limit).ToList();
        return new CursorPage<T>(items, Encode(id(items[^1])));
    }
}
