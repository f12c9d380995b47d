using Tracker.Core.Fixes;
using Tracker.Core.Storage;

namespace Tracker.Core.Tests.Storage;

/// <summary>Small helpers shared by the FixLog tests.</summary>
internal static class LogTestKit
{
    public const string Dir = "I:/fixlog";

    /// <summary>Small segments (three or four dozen fixes) so that a short test crosses many of them.</summary>
    public static FixLogOptions Small(int capacityBytes = 1 << 20, int segmentBytes = 400, int keyframeInterval = 16, int maxRanges = 4)
        => new(capacityBytes, segmentBytes, keyframeInterval, maxRanges);

    public static Fix MakeFix(long timeMs, int i)
    {
        Fix f = Fix.Create(timeMs, 480000000 + (i * 137), 115000000 - (i * 91));
        f.AltCm = 52000 + (i % 7);
        f.SpeedMmps = 10000 + ((i * 13) % 500);
        f.CourseCdeg = (9000 + (i * 7)) % 36000;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.Mode = FixMode.ThreeD;
        return f;
    }

    public static Fix[] MakeFixes(int count, long startMs = 1_000_000)
    {
        var fixes = new Fix[count];
        for (int i = 0; i < count; i++)
        {
            fixes[i] = MakeFix(startMs + (i * 1000L), i);
        }

        return fixes;
    }

    public static void AppendAll(FixLog log, Fix[] fixes)
    {
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, log.Append(ref fixes[i]));
        }
    }

    /// <summary>Takes batches until none is left; commits each when <paramref name="commit"/>.</summary>
    public static List<Fix> Drain(FixLog log, bool commit, int max = 16)
    {
        var all = new List<Fix>();
        var output = new Fix[max];
        while (true)
        {
            var batch = new LogBatch();
            int n = log.TakeBatch(output, max, batch);
            if (n == 0)
            {
                return all;
            }

            all.AddRange(output.Take(n));
            if (commit)
            {
                Assert.Equal(FixLogResult.Ok, log.Commit(batch));
            }
        }
    }

    public static bool Same(in Fix a, in Fix b)
        => a.TimeMs == b.TimeMs && a.LatE7 == b.LatE7 && a.LonE7 == b.LonE7 && a.AltCm == b.AltCm
            && a.SpeedMmps == b.SpeedMmps && a.CourseCdeg == b.CourseCdeg && a.HdopX100 == b.HdopX100
            && a.Satellites == b.Satellites && a.Mode == b.Mode && a.Quality == b.Quality;

    public static string Show(in Fix f)
        => $"t={f.TimeMs} lat={f.LatE7} lon={f.LonE7} alt={f.AltCm} v={f.SpeedMmps} c={f.CourseCdeg} h={f.HdopX100} s={f.Satellites} m={(int)f.Mode} q={(int)f.Quality}";

    /// <summary>Asserts the same fixes in the same order, bit-exact.</summary>
    public static void AssertSameSequence(IReadOnlyList<Fix> expected, IReadOnlyList<Fix> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Same(expected[i], actual[i]), $"fix {i}: expected {Show(expected[i])}, got {Show(actual[i])}");
        }
    }
}
