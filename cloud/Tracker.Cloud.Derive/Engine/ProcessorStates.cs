using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Processors.Geofence;
using Tracker.Cloud.Derive.Processors.Ignition;
using Tracker.Cloud.Derive.Processors.Movement;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Overspeed;
using Tracker.Cloud.Derive.Processors.Power;
using Tracker.Cloud.Derive.Processors.Rentals;
using Tracker.Cloud.Derive.Processors.Towing;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// One state per processor, for one car: what a checkpoint copies and a rewind restores. A new processor (issue 17's
/// trips, stops, odometer) adds its state here. Plain classes, serialized by <see cref="DeriveJson"/>.
/// </summary>
public sealed class ProcessorStates
{
    /// <summary>The last fix (kept by the engine).</summary>
    public TrackState Track { get; set; } = new();

    /// <summary>Fences.</summary>
    public GeofenceState Geofence { get; set; } = new();

    /// <summary>Overspeed.</summary>
    public OverspeedState Overspeed { get; set; } = new();

    /// <summary>Ignition.</summary>
    public IgnitionSwitchState Ignition { get; set; } = new();

    /// <summary>Moving and stopped.</summary>
    public MovementState Movement { get; set; } = new();

    /// <summary>Power and battery.</summary>
    public PowerState Power { get; set; } = new();

    /// <summary>Towing.</summary>
    public TowingState Towing { get; set; } = new();

    /// <summary>Rentals.</summary>
    public RentalState Rentals { get; set; } = new();

    /// <summary>Trips and stops (issue 17).</summary>
    public TripState Trips { get; set; } = new();

    /// <summary>The odometer (issue 17).</summary>
    public OdometerState Odometer { get; set; } = new();

    /// <summary>Events held pending (README.md, "No spurious now"), until the clock settles them or a replay replaces them.</summary>
    public List<FleetEvent> Pending { get; set; } = [];

    /// <summary>A deep copy.</summary>
    /// <returns>The copy.</returns>
    public ProcessorStates Copy() => DeriveJson.ReadStates(DeriveJson.Write(this));
}
