namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>
/// One trip of a car, keyed on (<see cref="CarId"/>, <see cref="StartTs"/>): a replay that finds the same trip writes it
/// again under the same key (revised, never duplicated). Times UTC epoch ms, positions 1e-7 degree.
/// </summary>
public sealed record Trip
{
    /// <summary>The car.</summary>
    public string CarId { get; init; } = string.Empty;

    /// <summary>Start: the last fix where the car stood, or the first moving fix after a long silence.</summary>
    public long StartTs { get; init; }

    /// <summary>End: the first fix of the stop that ended it.</summary>
    public long EndTs { get; init; }

    /// <summary>Where it started.</summary>
    public int StartLatE7 { get; init; }

    /// <summary>Where it started.</summary>
    public int StartLonE7 { get; init; }

    /// <summary>Where it ended.</summary>
    public int EndLatE7 { get; init; }

    /// <summary>Where it ended.</summary>
    public int EndLonE7 { get; init; }

    /// <summary>Path distance, m (the sum of fix-to-fix great-circle distances, gaps bridged).</summary>
    public double DistanceM { get; init; }

    /// <summary>The part of <see cref="DistanceM"/> bridged over gaps (tunnels, dead zones): estimated, m.</summary>
    public double EstimatedM { get; init; }

    /// <summary>Highest speed reported, mm/s (0 when no fix carried one).</summary>
    public int MaxSpeedMmps { get; init; }

    /// <summary>Fixes in the trip.</summary>
    public int Fixes { get; init; }

    /// <summary>The odometer at the start, m.</summary>
    public double StartOdometerM { get; init; }

    /// <summary>The fix time of the observation that closed it (what a replay from a checkpoint revises).</summary>
    public long DecidedTs { get; init; }

    /// <summary>Duration, ms.</summary>
    public long DurationMs => EndTs - StartTs;

    /// <summary>Average speed over the duration, mm/s.</summary>
    public int AvgSpeedMmps => DurationMs > 0 ? (int)Math.Round(DistanceM * 1_000_000 / DurationMs) : 0;

    /// <summary>True when part of the distance was bridged.</summary>
    public bool Estimated => EstimatedM > 0;
}
