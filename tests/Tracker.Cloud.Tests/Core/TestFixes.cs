using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Tests.Core;

/// <summary>Fixes and batches for the core tests.</summary>
public static class TestFixes
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    // Place de la Concorde, Paris.
    public const int LatE7 = 488_656_000;
    public const int LonE7 = 23_212_000;

    /// <summary>About one metre of latitude in 1e-7 degrees (1 / 111 195 m).</summary>
    public const int MetreE7 = 90;

    public static Fix Good(long ts, int northMetres = 0, int speedMmps = Fix.Unknown, int hdopX100 = 90)
    {
        Fix f = Fix.Create(ts, LatE7 + (northMetres * MetreE7), LonE7);
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        f.HdopX100 = hdopX100;
        f.Satellites = 9;
        f.SpeedMmps = speedMmps;
        return f;
    }

    public static Fix At(long ts, int latE7, int lonE7)
    {
        Fix f = Good(ts);
        f.LatE7 = latE7;
        f.LonE7 = lonE7;
        return f;
    }

    public static byte[] Encode(params Fix[] fixes) => WireBatch.Encode(fixes);

    /// <summary>n fixes one second apart, the car driving north at ~5 m/s, ending one minute before now.</summary>
    public static Fix[] Drive(int n, long endMs)
    {
        var fixes = new Fix[n];
        for (int i = 0; i < n; i++)
        {
            fixes[i] = Good(endMs - ((n - 1 - i) * 1000L), northMetres: i * 5, speedMmps: 5000);
        }

        return fixes;
    }
}
