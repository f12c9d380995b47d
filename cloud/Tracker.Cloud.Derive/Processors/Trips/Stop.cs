namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>
/// One stop of a car between two trips (or after its last), keyed on (<see cref="CarId"/>, <see cref="StartTs"/>).
/// Open (<see cref="EndTs"/> null) until the next trip is confirmed. Times UTC epoch ms, position 1e-7 degree.
/// </summary>
public sealed record Stop
{
    /// <summary>The car.</summary>
    public string CarId { get; init; } = string.Empty;

    /// <summary>Start: the end of the trip before it.</summary>
    public long StartTs { get; init; }

    /// <summary>End: the start of the trip after it, or null while the car is still there.</summary>
    public long? EndTs { get; init; }

    /// <summary>Where.</summary>
    public int LatE7 { get; init; }

    /// <summary>Where.</summary>
    public int LonE7 { get; init; }

    /// <summary>
    /// Idle time, ms: the ignition on while the car stood here (the engine left running). Counted up to the ignition going
    /// off or the next trip; while the engine still runs in an open stop, what has run so far is not yet in it. 0 when
    /// the car reports no ignition.
    /// </summary>
    public long IdleMs { get; init; }

    /// <summary>The fix time of the observation that decided this version of it.</summary>
    public long DecidedTs { get; init; }

    /// <summary>Duration, ms, or null while open.</summary>
    public long? DurationMs => EndTs - StartTs;
}
