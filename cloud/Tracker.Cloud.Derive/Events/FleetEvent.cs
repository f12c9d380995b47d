using System.Text.Json.Serialization;

namespace Tracker.Cloud.Derive.Events;

/// <summary>
/// One event of one car. Identified by <see cref="Key"/>; every other field may be revised by a later write under
/// the same key (an overspeed episode's end, a replay after late data). Positions are the firmware's integers
/// (1e-7 degree); "unknown" is null.
/// </summary>
public sealed record FleetEvent
{
    /// <summary>The car.</summary>
    public required string CarId { get; init; }

    /// <summary>What happened.</summary>
    public required EventType Type { get; init; }

    /// <summary>When the episode began, UTC epoch ms in fix time: the event's time.</summary>
    public required long EpisodeStartMs { get; init; }

    /// <summary>A zone or rental id, or empty.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>When the episode ended (overspeed), or null while it lasts or for an instant event.</summary>
    public long? EndMs { get; init; }

    /// <summary>Latitude where it happened, 1e-7 degree, or null.</summary>
    public int? LatE7 { get; init; }

    /// <summary>Longitude where it happened, 1e-7 degree, or null.</summary>
    public int? LonE7 { get; init; }

    /// <summary>Overspeed: the highest speed of the episode, mm/s.</summary>
    public int? SpeedMmps { get; init; }

    /// <summary>Overspeed: the limit that applied, mm/s.</summary>
    public int? LimitMmps { get; init; }

    /// <summary>Power: the supply voltage that decided it, mV.</summary>
    public int? VoltageMv { get; init; }

    /// <summary>Rental start and end: the odometer, m, when known (issue 17 moves the odometer into this stage).</summary>
    public long? OdometerM { get; init; }

    /// <summary>Towing: how far the car was from where the ignition went off, m.</summary>
    public long? DistanceM { get; init; }

    /// <summary>Geofence: the zone's name when it happened; rentals: the renter.</summary>
    public string? Detail { get; init; }

    /// <summary>True for a fence of a rental (leaving it is an alert) and for rental-not-returned.</summary>
    public bool Alert { get; init; }

    /// <summary>The fix time of the observation that decided it (what a rewind compares with).</summary>
    public long DecidedTs { get; init; }

    /// <summary>When the cloud decided it, UTC epoch ms: the deciding observation's arrival, or the clock of a tick.</summary>
    public long DetectedMs { get; init; }

    /// <summary>True when it was decided more than <c>LateAfter</c> after it happened (a backlog after a dead zone).</summary>
    public bool Late { get; init; }

    /// <summary>
    /// True while it follows a gap in the car's data that a backlog may yet fill (README.md, "No spurious now"):
    /// stored and shown, not notified.
    /// </summary>
    public bool Pending { get; init; }

    /// <summary>The key.</summary>
    [JsonIgnore]
    public EventKey Key => new(CarId, Type, EpisodeStartMs, Subject);

    /// <summary>The episode's length, ms, when it has ended.</summary>
    [JsonIgnore]
    public long? DurationMs => EndMs is { } end ? end - EpisodeStartMs : null;
}
