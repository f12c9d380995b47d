namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>
/// The rules for trips and stops (README.md, "Trips, stops and the odometer"). Immutable; <see cref="Validate"/> names the
/// first bad setting. Defaults suit both report policies: the live-map one (a fix a second) and the shipped sparse one
/// (a fix on distance, heading or speed change, a heartbeat while parked).
/// </summary>
public sealed record TripOptions
{
    /// <summary>The defaults.</summary>
    public static TripOptions Default { get; } = new();

    /// <summary>No trip shorter than this path distance. Default 300 m.</summary>
    public int MinTripDistanceM { get; init; } = 300;

    /// <summary>No trip shorter than this. Default 60 s.</summary>
    public TimeSpan MinTripDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Parked jitter: a trip must get at least this far (straight line) from where it started, and a stop holds while
    /// the car stays within it. Default 75 m (several times a consumer receiver's parked wander).
    /// </summary>
    public int JitterRadiusM { get; init; } = 75;

    /// <summary>A trip ends once the car has stood still (not moving, or ignition off) this long. Default 2 min (the Derive stage's StoppedDwell: a red light or a queue is shorter).</summary>
    public TimeSpan MinStopDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A gap between two fixes of a trip longer than this is bridged: its straight-line distance is counted and marked
    /// estimated. Default 30 s (the sparse policy reports at least this often while moving).
    /// </summary>
    public TimeSpan BridgeAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A gap longer than this inside a trip is not bridged: the trip ends at the last fix before it and the next fix
    /// starts another (the car may have parked anywhere in between). Default 45 min.
    /// </summary>
    public TimeSpan MaxBridge { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>
    /// A gap of at least <see cref="MinStopDuration"/> whose straight line averages under this speed is a stop, not a
    /// tunnel (the sparse report policy is silent while parked). Default 2.5 m/s (9 km/h).
    /// </summary>
    public double GapStoodBelowMps { get; init; } = 2.5;

    /// <summary>
    /// With no fix coming, the clock closes a trip whose car was last seen standing still once this much has passed
    /// since it stopped (a parked car sends only a heartbeat). Late data revises it. Default 10 min.
    /// </summary>
    public TimeSpan CloseOnClockAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A bridged gap whose last fix before it was this fast or faster, with a course, is bridged by the circular arc that
    /// leaves along that course and ends at the next fix, not by the chord: a car that disappears on a curving road is
    /// counted along a curve. Below it the GNSS course is noise. Default 5 m/s (18 km/h).
    /// </summary>
    public double ArcBridgeMinSpeedMps { get; init; } = 5;

    /// <summary>
    /// The arc bridge turns at most this far from the course at the last fix (its length is then at most pi/2 times the
    /// chord): a car that turned back in a tunnel is not counted around a circle. Default 90 degrees.
    /// </summary>
    public double ArcBridgeMaxTurnDeg { get; init; } = 90;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MinTripDistanceM < 0)
        {
            throw new ArgumentException("Trip option " + nameof(MinTripDistanceM) + " must not be negative", nameof(MinTripDistanceM));
        }

        if (JitterRadiusM <= 0)
        {
            throw new ArgumentException("Trip option " + nameof(JitterRadiusM) + " must be positive", nameof(JitterRadiusM));
        }

        if (MinTripDuration < TimeSpan.Zero)
        {
            throw new ArgumentException("Trip option " + nameof(MinTripDuration) + " must not be negative", nameof(MinTripDuration));
        }

        if (MinStopDuration <= TimeSpan.Zero || BridgeAfter <= TimeSpan.Zero || CloseOnClockAfter < MinStopDuration)
        {
            throw new ArgumentException("Trip options need " + nameof(MinStopDuration) + " and " + nameof(BridgeAfter) + " positive, and " + nameof(CloseOnClockAfter) + " at least " + nameof(MinStopDuration), nameof(MinStopDuration));
        }

        if (!(ArcBridgeMinSpeedMps >= 0) || !(ArcBridgeMaxTurnDeg is >= 0 and < 180))
        {
            throw new ArgumentException("Trip options need " + nameof(ArcBridgeMinSpeedMps) + " not negative and " + nameof(ArcBridgeMaxTurnDeg) + " from 0 to under 180", nameof(ArcBridgeMaxTurnDeg));
        }

        if (MaxBridge <= BridgeAfter)
        {
            throw new ArgumentException("Trip option " + nameof(MaxBridge) + " must exceed " + nameof(BridgeAfter), nameof(MaxBridge));
        }
    }
}
