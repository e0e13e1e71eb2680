using System.Security.Cryptography;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// The hash chain: each entry's hash covers a canonical serialisation of its fields and the previous entry's hash,
/// so changing, removing or reordering any stored entry breaks every link after it.
/// </summary>
public static class AuditHash
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Bumped if the serialisation ever changes, so old entries can still be verified by their version.</summary>
    private const string Format = "iop-audit-v1";

    public static string Compute(AuditEvent e, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            // A JSON array in a fixed order: unambiguous (strings are quoted and escaped, null is distinct from "").
            json.WriteStartArray();
            json.WriteStringValue(Format);
            json.WriteStringValue(e.Id.ToString("D"));
            json.WriteNumberValue(e.Sequence);
            json.WriteStringValue(Timestamp(e.OccurredAt));
            json.WriteStringValue(e.ActorId);
            json.WriteStringValue(e.ActorType);
            WriteNullable(json, e.ActorName);
            json.WriteStringValue(e.Roles);
            WriteNullable(json, e.PatientId?.ToString("D"));
            json.WriteStringValue(e.DataCategory);
            json.WriteStringValue(e.Action);
            json.WriteStringValue(e.Resource);
            WriteNullable(json, e.ResourceId);
            json.WriteStringValue(e.Outcome);
            json.WriteNumberValue(e.StatusCode);
            WriteNullable(json, e.ClientAddress);
            json.WriteStringValue(e.Purpose);
            json.WriteBooleanValue(e.BreakGlass);
            WriteNullable(json, e.BreakGlassReason);
            WriteNullable(json, e.TraceId);
            json.WriteStringValue(previousHash);
            json.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>PostgreSQL keeps microseconds: entries are stamped at that precision so the stored value hashes the same.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    private static string Timestamp(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
