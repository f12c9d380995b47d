namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// The Derive stage's thresholds (README.md names each rule). Immutable; <see cref="Validate"/> names the first bad
/// key. Defaults suit the firmware's shipped report policy (moving: a fix every few seconds; parked: a heartbeat every
/// 15 minutes and a status at least as often).
/// </summary>
public sealed record DeriveOptions
{
    /// <summary>The defaults.</summary>
    public static DeriveOptions Default { get; } = new();

    /// <summary>Fix-time span between checkpoints of the processors' states. Default 1 h.</summary>
    public TimeSpan CheckpointEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Checkpoints kept per car; late data older than the oldest is not derived. Default 48 (two days).</summary>
    public int MaxCheckpoints { get; init; } = 48;

    /// <summary>An event decided by data received more than this after its fix time is marked late. Default 2 min.</summary>
    public TimeSpan LateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>An event decided right after a fix-time gap longer than this is pending until settled. Default 3 min.</summary>
    public TimeSpan HoldGap { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long (arrival time) a pending event waits for a backlog before it stands. Default 90 s.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Fences: a fix this far beyond the boundary confirms a crossing at once. Default 30 m.</summary>
    public int FenceMarginM { get; init; } = 30;

    /// <summary>Fences: within this distance of the boundary a fix neither confirms nor cancels a crossing (GNSS jitter). Default 10 m.</summary>
    public int FenceBandM { get; init; } = 10;

    /// <summary>Fences: a crossing held this long beyond the band is confirmed. Default 20 s.</summary>
    public TimeSpan FenceDwell { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Overspeed: the least time above the limit for an episode. Default 15 s.</summary>
    public TimeSpan OverspeedMinDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Overspeed: an episode lasts while the speed stays above the limit less this. Default 2 km/h (556 mm/s).</summary>
    public int OverspeedEndMarginMmps { get; init; } = 556;

    /// <summary>Overspeed: a gap between fixes longer than this ends an episode at its last fix above. Default 60 s.</summary>
    public TimeSpan OverspeedMaxGap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Moving: how long the car must keep moving before a <c>moving</c> event. Default 10 s.</summary>
    public TimeSpan MovingDwell { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Stopped: how long the car must stay stopped before a <c>stopped</c> event. Default 2 min.</summary>
    public TimeSpan StoppedDwell { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Offline after this silence with the ignition on. Default 5 min.</summary>
    public TimeSpan OfflineAfterIgnitionOn { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Offline after this silence with the ignition off or unknown. Default 30 min (CarRules.OfflineAfter).</summary>
    public TimeSpan OfflineAfterIgnitionOff { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Power: below this supply the main power is lost. Default 6,000 mV.</summary>
    public int PowerLostBelowMv { get; init; } = 6_000;

    /// <summary>Power: at or above this supply it is back. Default 9,000 mV.</summary>
    public int PowerRestoredAtMv { get; init; } = 9_000;

    /// <summary>Low battery while parked: below this supply. Default 11,800 mV (a lead-acid battery about half charged at rest).</summary>
    public int LowBatteryBelowMv { get; init; } = 11_800;

    /// <summary>Low battery clears at or above this supply. Default 12,200 mV.</summary>
    public int LowBatteryClearMv { get; init; } = 12_200;

    /// <summary>Low battery: how long it must stay low. Default 10 min (two parked statuses).</summary>
    public TimeSpan LowBatteryDwell { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Towing: moved this far from where the ignition went off. Default 300 m.</summary>
    public int TowDistanceM { get; init; } = 300;

    /// <summary>Rentals: time after the end before a car not in a return zone is reported. Default 30 min.</summary>
    public TimeSpan ReturnGrace { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Rentals: with no fix past a rental's start, end or grace, the clock decides this much later on the last position known. Default 20 min (a parked heartbeat and a batch).</summary>
    public TimeSpan ReturnWait { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Trips, stops and the odometer (issue 17).</summary>
    public Processors.Trips.TripOptions Trips { get; init; } = Processors.Trips.TripOptions.Default;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Positive(CheckpointEvery, nameof(CheckpointEvery));
        ArgumentNullException.ThrowIfNull(Trips);
        Trips.Validate();
        if (MaxCheckpoints < 2 || MaxCheckpoints > 500)
        {
            throw new ArgumentException("Derive option " + nameof(MaxCheckpoints) + " must be 2 to 500", nameof(MaxCheckpoints));
        }

        Positive(LateAfter, nameof(LateAfter));
        Positive(HoldGap, nameof(HoldGap));
        Positive(Settle, nameof(Settle));
        Positive(FenceDwell, nameof(FenceDwell));
        Positive(OverspeedMinDuration, nameof(OverspeedMinDuration));
        Positive(OverspeedMaxGap, nameof(OverspeedMaxGap));
        NotNegative(MovingDwell, nameof(MovingDwell));
        NotNegative(StoppedDwell, nameof(StoppedDwell));
        Positive(OfflineAfterIgnitionOn, nameof(OfflineAfterIgnitionOn));
        Positive(OfflineAfterIgnitionOff, nameof(OfflineAfterIgnitionOff));
        Positive(LowBatteryDwell, nameof(LowBatteryDwell));
        NotNegative(ReturnGrace, nameof(ReturnGrace));
        NotNegative(ReturnWait, nameof(ReturnWait));
        if (FenceBandM < 0 || FenceMarginM <= FenceBandM)
        {
            throw new ArgumentException("Derive option " + nameof(FenceMarginM) + " must exceed " + nameof(FenceBandM) + " (>= 0)", nameof(FenceMarginM));
        }

        if (OverspeedEndMarginMmps < 0)
        {
            throw new ArgumentException("Derive option " + nameof(OverspeedEndMarginMmps) + " must not be negative", nameof(OverspeedEndMarginMmps));
        }

        if (PowerLostBelowMv <= 0 || PowerRestoredAtMv < PowerLostBelowMv)
        {
            throw new ArgumentException("Derive option " + nameof(PowerRestoredAtMv) + " must be at least " + nameof(PowerLostBelowMv) + " (> 0)", nameof(PowerRestoredAtMv));
        }

        if (LowBatteryBelowMv <= PowerRestoredAtMv || LowBatteryClearMv < LowBatteryBelowMv)
        {
            throw new ArgumentException("Derive options need " + nameof(PowerRestoredAtMv) + " < " + nameof(LowBatteryBelowMv) + " <= " + nameof(LowBatteryClearMv), nameof(LowBatteryBelowMv));
        }

        if (TowDistanceM <= 0)
        {
            throw new ArgumentException("Derive option " + nameof(TowDistanceM) + " must be positive", nameof(TowDistanceM));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException("Derive option " + name + " must be positive", name);
        }
    }

    private static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException("Derive option " + name + " must not be negative", name);
        }
    }
}
