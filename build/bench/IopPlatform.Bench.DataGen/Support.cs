using System.Diagnostics;
using System.Globalization;

namespace IopPlatform.Bench.DataGen;

/// <summary>
/// Deterministic ids shaped like UUID v7 (48-bit millisecond prefix, version and variant bits), so keyset paging over
/// them behaves as over the API's own ids, while the same seed always yields the same rows.
/// </summary>
internal static class Ids
{
    public static Guid Make(byte kind, long index, long baseMs, int seed)
    {
        Span<byte> b = stackalloc byte[16];
        var ms = baseMs + index / 1024;
        b[0] = (byte)(ms >> 40);
        b[1] = (byte)(ms >> 32);
        b[2] = (byte)(ms >> 24);
        b[3] = (byte)(ms >> 16);
        b[4] = (byte)(ms >> 8);
        b[5] = (byte)ms;
        b[6] = (byte)(0x70 | (kind & 0x0F));
        b[7] = (byte)(kind >> 4);
        b[8] = (byte)(0x80 | ((seed >> 8) & 0x3F));
        b[9] = (byte)seed;
        for (var i = 0; i < 6; i++)
        {
            b[15 - i] = (byte)(index >> (8 * i));
        }
        return new Guid(b, bigEndian: true);
    }
}



/// <summary>SplitMix64: a cheap, stateless hash to a uniform number, so every table can recompute its rows' dice.</summary>
internal static class Dice
{
    public static ulong Hash(int seed, long a, long b = 0, long c = 0)
    {
        var z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)a * 0xBF58476D1CE4E5B9UL ^ (ulong)b * 0x94D049BB133111EBUL ^ (ulong)c * 0xD6E8FEB86659FD93UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static double Unit(int seed, long a, long b = 0, long c = 0) => (Hash(seed, a, b, c) >> 11) * (1.0 / (1UL << 53));

    public static int Range(int seed, int lo, int hi, long a, long b = 0, long c = 0) => lo + (int)(Hash(seed, a, b, c) % (ulong)(hi - lo));
}

/// <summary>Rows written, rows per second and an ETA against the planned total, printed every two seconds.</summary>
internal sealed class Progress(long plannedRows)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rows;
    private long _lastPrintMs;

    public long Rows => _rows;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Add(string table, long rows)
    {
        _rows += rows;
        var ms = _clock.ElapsedMilliseconds;
        if (ms - _lastPrintMs >= 2000)
        {
            _lastPrintMs = ms;
            Print(table);
        }
    }

    public void Print(string table)
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var rate = _rows / seconds;
        var left = Math.Max(plannedRows - _rows, 0);
        var eta = rate > 0 ? TimeSpan.FromSeconds(left / rate) : TimeSpan.Zero;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {_rows,12:N0} / ~{plannedRows:N0} rows  {rate,10:N0} rows/s  ETA {eta:hh\\:mm\\:ss}  [{table}]"));
    }
}
