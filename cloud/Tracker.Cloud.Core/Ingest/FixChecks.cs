using Tracker.Core.Fixes;

namespace Tracker.Cloud.Core.Ingest;

/// <summary>The per-fix tests of the filters that need nothing but the fix itself.</summary>
public static class FixChecks
{
    private const int MaxLatE7 = 900_000_000;
    private const int MaxLonE7 = 1_800_000_000;

    /// <summary>
    /// True when every field lies in its domain (<c>invalid</c> otherwise). The decoder already
    /// refuses most of these (<c>FieldOutOfRange</c>); this guards fixes from other sources.
    /// </summary>
    /// <param name="fix">The fix.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid(in Fix fix)
    {
        return fix.TimeMs > 0
            && fix.LatE7 is >= -MaxLatE7 and <= MaxLatE7
            && fix.LonE7 is >= -MaxLonE7 and <= MaxLonE7
            && fix.Mode is FixMode.TwoD or FixMode.ThreeD
            && (int)fix.Quality is >= 1 and <= 8
            && (fix.SpeedMmps == Fix.Unknown || fix.SpeedMmps >= 0)
            && (fix.CourseCdeg == Fix.Unknown || fix.CourseCdeg is >= 0 and < 36_000)
            && (fix.HdopX100 == Fix.Unknown || fix.HdopX100 >= 0)
            && (fix.Satellites == Fix.Unknown || fix.Satellites >= 0);
    }

    /// <summary>True for exactly 0,0 (<c>zero</c>): the Gulf of Guinea is not where the fleet drives.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>Whether it is the null island.</returns>
    public static bool IsZero(in Fix fix) => fix.LatE7 == 0 && fix.LonE7 == 0;

    /// <summary>
    /// True when going from one position to the next in <paramref name="elapsedMs"/> needs more than
    /// <paramref name="maxSpeedKmh"/> (<c>max-speed</c>), measured with the firmware's <see cref="Tracker.Core.Common.GeoMath"/>.
    /// </summary>
    /// <param name="distanceCm">Distance between the fixes, cm.</param>
    /// <param name="elapsedMs">Time between them, ms (positive).</param>
    /// <param name="maxSpeedKmh">The limit.</param>
    /// <returns>Whether the jump is impossible.</returns>
    public static bool IsSpeedJump(long distanceCm, long elapsedMs, int maxSpeedKmh)
    {
        // km/h = (cm / 100 000) / (ms / 3 600 000) = cm · 36 / ms. distanceCm stays below 5e9, so no overflow.
        return distanceCm * 36 > maxSpeedKmh * Math.Max(1L, elapsedMs);
    }
}
