using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Tests.Reporting;

/// <summary>
/// Builds synthetic fix sequences for the policy tests: straight drives, turns, parked jitter.
/// Host-only helper, so it may use double; the policy under test never does.
/// </summary>
internal sealed class FixScript
{
    /// <summary>Mean Earth radius (IUGG), the sphere GeoMath uses.</summary>
    public const double EarthRadiusM = 6371008.8;

    private readonly List<Fix> _fixes = [];

    public FixScript(long startMs, double latDeg, double lonDeg)
    {
        TimeMs = startMs;
        LatDeg = latDeg;
        LonDeg = lonDeg;
    }

    public long TimeMs { get; private set; }

    public double LatDeg { get; private set; }

    public double LonDeg { get; private set; }

    public double CourseDeg { get; private set; }

    public Fix[] Fixes => [.. _fixes];

    /// <summary>2024-06-01T10:00:00Z, an arbitrary start.</summary>
    public static long T0 => 1717236000000L;

    /// <summary>A fix at an explicit place and time; NaN speed or course means unknown.</summary>
    public static Fix At(long timeMs, double latDeg, double lonDeg, double speedKmh = double.NaN, double courseDeg = double.NaN)
    {
        Fix f = Fix.Create(timeMs, E7(latDeg), E7(lonDeg));
        f.Mode = FixMode.ThreeD;
        f.AltCm = 150000;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.SpeedMmps = double.IsNaN(speedKmh) ? Fix.Unknown : (int)Math.Round(speedKmh / 3.6 * 1000);
        f.CourseCdeg = double.IsNaN(courseDeg) ? Fix.Unknown : (int)Math.Round(Normalize(courseDeg) * 100) % 36000;
        return f;
    }

    public static int E7(double deg) => (int)Math.Round(deg * 1e7);

    public static double Normalize(double deg) => ((deg % 360) + 360) % 360;

    /// <summary>The point <paramref name="metres"/> away on <paramref name="bearingDeg"/> (spherical direct problem).</summary>
    public static (double Lat, double Lon) Offset(double latDeg, double lonDeg, double bearingDeg, double metres)
    {
        double d = metres / EarthRadiusM;
        double b = bearingDeg * Math.PI / 180;
        double p1 = latDeg * Math.PI / 180;
        double l1 = lonDeg * Math.PI / 180;
        double p2 = Math.Asin((Math.Sin(p1) * Math.Cos(d)) + (Math.Cos(p1) * Math.Sin(d) * Math.Cos(b)));
        double l2 = l1 + Math.Atan2(Math.Sin(b) * Math.Sin(d) * Math.Cos(p1), Math.Cos(d) - (Math.Sin(p1) * Math.Sin(p2)));
        double lon = l2 * 180 / Math.PI;
        lon = ((lon + 540) % 360) - 180;
        return (p2 * 180 / Math.PI, lon);
    }

    /// <summary>Drives for <paramref name="seconds"/> at a constant speed, turning at a constant rate, one fix a step.</summary>
    public FixScript Drive(int seconds, double speedKmh, double courseDeg, double turnDegPerS = 0, int stepMs = 1000,
        bool speedKnown = true, bool courseKnown = true)
    {
        CourseDeg = courseDeg;
        for (int elapsed = stepMs; elapsed <= seconds * 1000; elapsed += stepMs)
        {
            double metres = speedKmh / 3.6 * stepMs / 1000.0;
            (LatDeg, LonDeg) = Offset(LatDeg, LonDeg, CourseDeg, metres);
            CourseDeg = Normalize(CourseDeg + (turnDegPerS * stepMs / 1000.0));
            TimeMs += stepMs;
            _fixes.Add(At(TimeMs, LatDeg, LonDeg, speedKnown ? speedKmh : double.NaN, courseKnown ? CourseDeg : double.NaN));
        }

        return this;
    }

    /// <summary>
    /// Parked for <paramref name="seconds"/>: the reported position wanders (a bounded random walk
    /// within <paramref name="jitterM"/> of the true spot), speed reads 0 to <paramref name="maxSpeedKmh"/>
    /// and the course is noise, as a consumer receiver does under a parked car.
    /// </summary>
    public FixScript Park(int seconds, double jitterM, int seed, double maxSpeedKmh = 3, int stepMs = 1000, bool speedKnown = true)
    {
        var rnd = new Random(seed);
        double east = 0, north = 0;
        for (int elapsed = stepMs; elapsed <= seconds * 1000; elapsed += stepMs)
        {
            east = Math.Clamp(east + ((rnd.NextDouble() - 0.5) * jitterM * 0.4), -jitterM, jitterM);
            north = Math.Clamp(north + ((rnd.NextDouble() - 0.5) * jitterM * 0.4), -jitterM, jitterM);
            (double lat, double lon) = Offset(LatDeg, LonDeg, 90, east);
            (lat, lon) = Offset(lat, lon, 0, north);
            TimeMs += stepMs;
            _fixes.Add(At(TimeMs, lat, lon, speedKnown ? rnd.NextDouble() * maxSpeedKmh : double.NaN, rnd.NextDouble() * 360));
        }

        return this;
    }

    /// <summary>No fixes for <paramref name="seconds"/> (tunnel, garage, outage), while the car goes on at a speed.</summary>
    public FixScript Outage(int seconds, double speedKmh = 0)
    {
        (LatDeg, LonDeg) = Offset(LatDeg, LonDeg, CourseDeg, speedKmh / 3.6 * seconds);
        TimeMs += seconds * 1000L;
        return this;
    }

    /// <summary>Appends one explicit fix at the current place, <paramref name="stepMs"/> later.</summary>
    public FixScript Add(double speedKmh, double courseDeg, int stepMs = 1000)
    {
        TimeMs += stepMs;
        _fixes.Add(At(TimeMs, LatDeg, LonDeg, speedKmh, courseDeg));
        return this;
    }
}
