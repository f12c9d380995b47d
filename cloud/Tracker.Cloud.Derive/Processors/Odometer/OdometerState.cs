namespace Tracker.Cloud.Derive.Processors.Odometer;

/// <summary>The odometer: the trips' GPS distance plus an offset that an operator's reading sets.</summary>
public sealed class OdometerState
{
    /// <summary>Added to the GPS distance of the car's trips, m (0 until a reading).</summary>
    public double OffsetM { get; set; }

    /// <summary>The fix time of the last reading applied, or null.</summary>
    public long? ReadingTs { get; set; }

    /// <summary>The odometer now, m (set by <see cref="OdometerProcessor"/> after every observation).</summary>
    public double ValueM { get; set; }
}
