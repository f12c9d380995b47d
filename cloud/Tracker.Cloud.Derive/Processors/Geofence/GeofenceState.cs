namespace Tracker.Cloud.Derive.Processors.Geofence;

/// <summary>Per zone that applies to the car: which side it is on, and a crossing not yet confirmed.</summary>
public sealed class GeofenceState
{
    /// <summary>By zone id.</summary>
    public Dictionary<string, ZoneTrack> Zones { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One zone's side and pending crossing.</summary>
public sealed class ZoneTrack
{
    /// <summary>True inside, false outside, null before the first fix.</summary>
    public bool? Inside { get; set; }

    /// <summary>
    /// When the pending crossing began, or null: the first fix of the latest run of fixes on the other side (a fix back on
    /// the first side within the band does not cancel the crossing, but the crossing then starts again at the next fix
    /// beyond the boundary).
    /// </summary>
    public long? PendingTs { get; set; }

    /// <summary>Where it began.</summary>
    public int PendingLatE7 { get; set; }

    /// <summary>Where it began.</summary>
    public int PendingLonE7 { get; set; }

    /// <summary>
    /// True when, since the pending crossing began, a fix was back on the first side (within the band), or stood still
    /// within the band: the crossing starts again at the next fix on the other side. A car waiting on the line in the
    /// receiver's jitter crosses when it drives on, not at the jitter's first fix.
    /// </summary>
    public bool PendingBack { get; set; }
}
