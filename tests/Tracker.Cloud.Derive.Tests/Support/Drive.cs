using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>Builds observations of one car on a plane around a base point (Munich), metres east and north of it.</summary>
internal static class Drive
{
    public const string Car = "car-1";
    public const int BaseLatE7 = 481_351_000;
    public const int BaseLonE7 = 115_820_000;
    public const long T0 = 1_780_000_000_000;

    private static readonly double CosLat = Math.Cos(BaseLatE7 / 1e7 * Math.PI / 180.0);

    public static GeoPoint At(double eastM, double northM) =>
        new(BaseLatE7 + (int)Math.Round(northM / ZoneGeometry.MetresPerDegree * 1e7),
            BaseLonE7 + (int)Math.Round(eastM / (ZoneGeometry.MetresPerDegree * CosLat) * 1e7));

    /// <summary>A fix at <paramref name="seconds"/> after <see cref="T0"/>, received <paramref name="delayS"/> later, with a course when given.</summary>
    public static Observation Fix(double seconds, double eastM, double northM = 0, double? kmh = null, double delayS = 1, double? courseDeg = null)
    {
        long ts = T0 + (long)(seconds * 1000);
        GeoPoint p = At(eastM, northM);
        int? speed = kmh is { } k ? (int)Math.Round(k / 3.6 * 1000) : null;
        int? course = courseDeg is { } c ? (int)Math.Round(c * 100) % 36_000 : null;
        return Observation.Of(new StoredFix(Car, ts, p.LatE7, p.LonE7, null, speed, course, 90, 9, 3, 1, false,
            speed is { } s && s >= 1389, ts + (long)(delayS * 1000)));
    }

    public static Observation Status(double seconds, IgnitionState ignition, int? supplyMv = null, double delayS = 1, bool online = true) =>
        Observation.Of(new StoredStatus
        {
            CarId = Car,
            Ts = T0 + (long)(seconds * 1000),
            ReceivedMs = T0 + (long)((seconds + delayS) * 1000),
            Online = online,
            Ignition = ignition,
            SupplyMv = supplyMv,
        });

    public static long Ms(double seconds) => T0 + (long)(seconds * 1000);
}
