using FsCheck;
using FsCheck.Fluent;
using Tracker.Core.Fixes;

namespace Tracker.Core.Tests.Wire;

/// <summary>
/// FsCheck generators of fix sequences for the batch codec: realistic walks (smooth, on NMEA quanta,
/// crossing the antimeridian and the course wrap), uniform noise, edge values (±90°, ±180°,
/// int/long extremes, negative altitudes), unknown optional fields in every pattern, and times that
/// are non-whole-second, repeated, out of order or extreme.
/// </summary>
internal static class FixGenerators
{
    private const int LatMax = 900_000_000;
    private const int LonMax = 1_800_000_000;

    private static readonly Gen<long> AnyLong =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select ((long)hi << 32) | (uint)lo;

    /// <summary>Batches of 0 to <paramref name="maxCount"/> fixes.</summary>
    public static Gen<Fix[]> Batches(int maxCount) =>
        from n in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Choose(2, 3)), (10, Gen.Choose(2, maxCount)))
        from batch in Batch(n)
        select batch;

    /// <summary>Exactly <paramref name="n"/> fixes.</summary>
    public static Gen<Fix[]> Batch(int n) =>
        from time in Times(n)
        from lat in IntColumn(n, -LatMax, LatMax, [LatMax, -LatMax, 0, 1, -1, LatMax - 1], Wrap.None, [(50, 3), (5, 3), (500, 3)])
        from lon in IntColumn(n, -LonMax, LonMax, [LonMax, -LonMax, 0, LonMax - 1, -LonMax + 1], Wrap.Longitude, [(50, 3), (5, 3), (500, 3)])
        from alt in Optional(n, IntColumn(n, int.MinValue + 1, int.MaxValue, [int.MinValue + 1, int.MaxValue, -41_500, 0, -1, 884_900], Wrap.None, [(10, 1), (100, 1)]))
        from speed in Optional(n, IntColumn(n, 0, int.MaxValue, [0, 1, int.MaxValue, 514_444], Wrap.None, [(463, 9), (463, 90), (250, 9)]))
        from course in Optional(n, IntColumn(n, 0, 35_999, [0, 35_999, 18_000, 1], Wrap.Course, [(10, 1), (100, 1)]))
        from hdop in Optional(n, IntColumn(n, 0, int.MaxValue, [0, 9_999, int.MaxValue, 80], Wrap.None, [(10, 1)]))
        from sats in Optional(n, IntColumn(n, 0, int.MaxValue, [0, 12, 255, int.MaxValue], Wrap.None, [(1, 1)]))
        from symbols in Symbols(n)
        select Assemble(n, time, lat, lon, alt, speed, course, hdop, sats, symbols);

    private enum Wrap
    {
        None,
        Longitude,
        Course,
    }

    private static Fix[] Assemble(int n, long[] time, long[] lat, long[] lon, long[] alt, long[] speed, long[] course, long[] hdop, long[] sats, int[] symbols)
    {
        var fixes = new Fix[n];
        for (int i = 0; i < n; i++)
        {
            fixes[i] = WireTestSupport.Make(
                time[i], (int)lat[i], (int)lon[i], (int)alt[i], (int)speed[i], (int)course[i], (int)hdop[i], (int)sats[i],
                mode: 2 + (symbols[i] >> 3),
                quality: 1 + (symbols[i] & 7));
        }

        return fixes;
    }

    private static Gen<long[]> Times(int n) => Gen.Frequency(
        (6, RealisticTimes(n)),
        (1, Gen.ArrayOf(Gen.Elements(long.MinValue, long.MinValue + 1, -1L, 0L, 1L, long.MaxValue - 1, long.MaxValue), n)),
        (1, Gen.ArrayOf(AnyLong, n)));

    private static Gen<long[]> RealisticTimes(int n) =>
        from seconds in Gen.Choose(0, 2_000_000_000)
        from step in Gen.Elements(1000L, 2000L, 100L, 250L, 1L, 0L, 5000L, 86_400_000L)
        from jitter in Gen.ArrayOf(Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Choose(-999, 999)), (1, Gen.Choose(-3_600_000, 3_600_000))), n)
        from arrangement in Gen.Choose(0, 3)
        select ArrangeTimes(1_000_000_000_000L + (seconds * 1000L), step, jitter, arrangement);

    private static long[] ArrangeTimes(long t0, long step, int[] jitter, int arrangement)
    {
        int n = jitter.Length;
        var t = new long[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = t0 + (i * step) + jitter[i];
        }

        if (arrangement == 1 && n > 1)
        {
            // The uplink after a reconnect: the newest fix first, then the backlog in order.
            long newest = t[n - 1];
            Array.Copy(t, 0, t, 1, n - 1);
            t[0] = newest;
        }
        else if (arrangement == 2)
        {
            Array.Reverse(t);
        }
        else if (arrangement == 3 && n > 2)
        {
            t[n / 2] = t[(n / 2) - 1];
        }

        return t;
    }

    private static Gen<long[]> IntColumn(int n, int min, int max, int[] edges, Wrap wrap, (int Num, int Den)[] quanta) => Gen.Frequency(
        (3, Walk(n, min, max, wrap)),
        (3, QuantizedWalk(n, min, max, wrap, quanta)),
        (1, Gen.ArrayOf(Gen.Choose(min, max).Select(v => (long)v), n)),
        (1, Gen.ArrayOf(Gen.Elements(edges).Select(v => (long)v), n)),
        (1, Gen.Choose(min, max).Select(v => Enumerable.Repeat((long)v, n).ToArray())));

    /// <summary>A second-order random walk (position, velocity, random acceleration), wrapped or clamped into range.</summary>
    private static Gen<long[]> Walk(int n, int min, int max, Wrap wrap) =>
        from start in Gen.Choose(min, max)
        from scale in Gen.Elements(1, 10, 1000, 100_000, 10_000_000)
        from v0 in Gen.Choose(-scale, scale)
        from acc in Gen.ArrayOf(Gen.Choose(-scale, scale), n)
        select Integrate(start, v0, acc, min, max, wrap, 1, 1, Math.Max(1, scale / 8));

    /// <summary>A walk in a quantum's units, converted to the field's unit as the NMEA reader does (round half up).</summary>
    private static Gen<long[]> QuantizedWalk(int n, int min, int max, Wrap wrap, (int Num, int Den)[] quanta) =>
        from quantum in Gen.Elements(quanta)
        from start in Gen.Choose(min, max)
        from v0 in Gen.Choose(-1000, 1000)
        from acc in Gen.ArrayOf(Gen.Choose(-100, 100), n)
        select Integrate(start, v0, acc, min, max, wrap, quantum.Num, quantum.Den, 1);

    private static long[] Integrate(long start, long velocity, int[] acc, long min, long max, Wrap wrap, long num, long den, long accDivisor)
    {
        // Work in quantum units k and convert each value with v = round_half_up(|k| * num / den), sign applied.
        long kMin = -(((-min) * den) / num);
        long kMax = (max * den) / num;
        long k = Math.Clamp((start * den) / num, kMin, kMax);
        var values = new long[acc.Length];
        for (int i = 0; i < acc.Length; i++)
        {
            values[i] = Math.Clamp(ToUnit(k, num, den), min, max);
            velocity += acc[i] / accDivisor;
            k += velocity;
            if (wrap == Wrap.None)
            {
                if (k < kMin || k > kMax)
                {
                    velocity = -velocity;
                }

                k = Math.Clamp(k, kMin, kMax);
            }
            else
            {
                long span = kMax - kMin + (wrap == Wrap.Longitude ? 1 : 0);
                k = kMin + ((((k - kMin) % span) + span) % span);
            }
        }

        return values;
    }

    private static long ToUnit(long k, long num, long den)
    {
        long m = ((Math.Abs(k) * num) + (den / 2)) / den;
        return k < 0 ? -m : m;
    }

    /// <summary>Blanks some values to Fix.Unknown: none, all, or a random pattern.</summary>
    private static Gen<long[]> Optional(int n, Gen<long[]> values) =>
        from v in values
        from pattern in Gen.Frequency(
            (4, Gen.Constant(Enumerable.Repeat(true, n).ToArray())),
            (1, Gen.Constant(new bool[n])),
            (2, Gen.Elements(10, 50, 90).SelectMany(p => Gen.ArrayOf(Gen.Choose(0, 99).Select(x => x < p), n))))
        select v.Select((x, i) => pattern[i] ? x : Fix.Unknown).ToArray();

    /// <summary>Mode and quality as the codec's symbol ((mode - 2) * 8 + quality - 1): steady, or changing.</summary>
    private static Gen<int[]> Symbols(int n) => Gen.Frequency(
        (3, Gen.Choose(0, 15).Select(s => Enumerable.Repeat(s, n).ToArray())),
        (1, Gen.ArrayOf(Gen.Frequency((6, Gen.Constant(8)), (1, Gen.Choose(0, 15))), n)));
}
