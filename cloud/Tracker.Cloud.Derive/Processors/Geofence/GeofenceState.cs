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

    /// <summary>When the pending crossing began (the first fix on the other side), or null.</summary>
    public long? PendingTs { get; set; }

    /// <summary>Where it began.</summary>
    public int PendingLatE7 { get; set; }

    /// <summary>Where it began.</summary>
    public int PendingLonE7 { get; set; }
}
