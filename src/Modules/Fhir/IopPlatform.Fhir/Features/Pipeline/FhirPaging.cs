namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>Cursor paging over id-ordered rows: fetch one more than asked, keep the page, make the cursor from the last kept id.</summary>
internal static class FhirPaging
{
    public static int Take(FhirSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        return search.Count + 1;
    }

    public static Guid? After(FhirSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        return Cursor.Decode(search.Cursor);
    }

    public static FhirRecordPage Page<T>(IReadOnlyList<T> rowsPlusOne, FhirSearch search, Func<T, Guid> id, Func<T, FhirRecord?> map)
    {
        ArgumentNullException.ThrowIfNull(search);
        return Page(rowsPlusOne, search.Count, id, map);
    }

    public static FhirRecordPage Page<T>(IReadOnlyList<T> rowsPlusOne, int count, Func<T, Guid> id, Func<T, FhirRecord?> map)
    {
        ArgumentNullException.ThrowIfNull(rowsPlusOne);
        var kept = rowsPlusOne.Take(count).ToList();
        var next = rowsPlusOne.Count > count ? Cursor.Encode(id(kept[^1])) : null;
        return new FhirRecordPage([.. kept.Select(map).OfType<FhirRecord>()], next);
    }
}
