namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>A car's trip in progress, the stop it stands in, and the distance of its closed trips.</summary>
public sealed class TripState
{
    /// <summary>The last fix seen, or null before the first.</summary>
    public TripPoint? Last { get; set; }

    /// <summary>The trip in progress (not yet known to be one: it is judged when it closes), or null while parked.</summary>
    public OpenTrip? Open { get; set; }

    /// <summary>The stop the car stands in (open), or null before the first trip or while none is known.</summary>
    public Stop? Stop { get; set; }

    /// <summary>Since when the ignition has been on in the open stop (idle time running), or null.</summary>
    public long? IdleFromTs { get; set; }

    /// <summary>When the ignition last went off (the first status of the run saying off), or null before any.</summary>
    public long? IgnitionOffTs { get; set; }

    /// <summary>When the ignition last went on (the first status of the run saying on), or null before any.</summary>
    public long? IgnitionOnTs { get; set; }

    /// <summary>The total distance of every trip closed and kept, m.</summary>
    public double ClosedM { get; set; }

    /// <summary>The distance the odometer counts now: closed trips and the one in progress, m.</summary>
    public double TotalM => ClosedM + (Open?.DistanceM ?? 0);
}

/// <summary>A fix's time and place.</summary>
public sealed class TripPoint
{
    /// <summary>UTC epoch ms.</summary>
    public long Ts { get; set; }

    /// <summary>1e-7 degree.</summary>
    public int LatE7 { get; set; }

    /// <summary>1e-7 degree.</summary>
    public int LonE7 { get; set; }

    /// <summary>Speed reported there, mm/s (0 when none).</summary>
    public int SpeedMmps { get; set; }

    /// <summary>Course reported there, 0.01 degree, or null (states written before it read as null).</summary>
    public int? CourseCdeg { get; set; }

    /// <summary>A point.</summary>
    /// <param name="ts">Time.</param>
    /// <param name="latE7">Latitude.</param>
    /// <param name="lonE7">Longitude.</param>
    /// <returns>The point.</returns>
    public static TripPoint At(long ts, int latE7, int lonE7) => new() { Ts = ts, LatE7 = latE7, LonE7 = lonE7 };
}

/// <summary>A trip in progress.</summary>
public sealed class OpenTrip
{
    /// <summary>Where and when it started.</summary>
    public TripPoint Start { get; set; } = new();

    /// <summary>Path distance so far, m.</summary>
    public double DistanceM { get; set; }

    /// <summary>Of which bridged, m.</summary>
    public double EstimatedM { get; set; }

    /// <summary>Highest speed, mm/s.</summary>
    public int MaxSpeedMmps { get; set; }

    /// <summary>Farthest straight-line distance from the start, m (parked jitter never gets far).</summary>
    public double MaxReachM { get; set; }

    /// <summary>Fixes so far.</summary>
    public int Fixes { get; set; }

    /// <summary>The odometer when it started, m.</summary>
    public double StartOdometerM { get; set; }

    /// <summary>The first fix of a standstill not yet long enough to end the trip, or null.</summary>
    public TripPoint? Still { get; set; }

    /// <summary>The trip's figures at <see cref="Still"/>: what it ends with if the standstill holds.</summary>
    public double StillDistanceM { get; set; }

    /// <summary>Bridged distance at <see cref="Still"/>.</summary>
    public double StillEstimatedM { get; set; }

    /// <summary>Fixes at <see cref="Still"/>.</summary>
    public int StillFixes { get; set; }
}
