using Tracker.Cloud.Core.Ingest;

namespace Tracker.Cloud.Core.Cars;

/// <summary>
/// Moving or stopped: the one definition, which ingest records on every fix it stores (<see cref="Storage.StoredFix.Moving"/>)
/// and the web app applies to the live fixes it shows (cloud/Tracker.Cloud.Web/src/motion.js, with the same thresholds
/// from the <c>carRules</c> of its config.json).
/// </summary>
public static class Motion
{
    /// <summary>
    /// The speed at a fix: its own, or, when the receiver gave none, the average from the car's previous accepted fix,
    /// if that is at most <see cref="IngestOptions.MaxSpeedDerivationGap"/> earlier (beyond it the average says nothing
    /// about the speed at the fix).
    /// </summary>
    /// <param name="ownSpeedMmps">The fix's own speed, mm/s, or null when unknown.</param>
    /// <param name="hasPrevious">Whether there is a previous accepted fix.</param>
    /// <param name="distanceCm">The distance from it, cm (<see cref="Tracker.Core.Common.GeoMath.DistanceCm"/>).</param>
    /// <param name="elapsedMs">The time since it, ms.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="derived">True when the speed was derived.</param>
    /// <returns>mm/s, or null when unknown.</returns>
    public static int? SpeedMmps(int? ownSpeedMmps, bool hasPrevious, long distanceCm, long elapsedMs, IngestOptions options, out bool derived)
    {
        ArgumentNullException.ThrowIfNull(options);
        derived = false;
        if (ownSpeedMmps is not null)
        {
            return ownSpeedMmps;
        }

        if (!hasPrevious || elapsedMs <= 0 || elapsedMs > (long)options.MaxSpeedDerivationGap.TotalMilliseconds)
        {
            return null;
        }

        // mm/s = cm · 10 / (ms / 1000), rounded to nearest.
        derived = true;
        return (int)Math.Min(int.MaxValue, ((distanceCm * 10_000) + (elapsedMs / 2)) / elapsedMs);
    }

    /// <summary>
    /// Moving: a speed at or above <see cref="IngestOptions.MovingThresholdMmps"/> (5 km/h by default, above the GNSS
    /// jitter of a parked car). An unknown speed is not moving.
    /// </summary>
    /// <param name="speedMmps">The speed at the fix (<see cref="SpeedMmps"/>), or null.</param>
    /// <param name="options">The threshold.</param>
    /// <returns>True when moving.</returns>
    public static bool IsMoving(int? speedMmps, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return speedMmps is { } s && s >= options.MovingThresholdMmps;
    }
}
