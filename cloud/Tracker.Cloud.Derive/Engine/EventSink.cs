using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// Where processors put events during one observation or tick. It stamps what the processor cannot know: when and on
/// what the event was decided, whether that was late, and whether it is pending behind a gap; and it keeps the pending
/// list of <see cref="ProcessorStates.Pending"/> up to date.
/// </summary>
public sealed class EventSink
{
    private readonly DeriveStep _step;
    private readonly List<FleetEvent>? _pending;
    private readonly long _decidedTs;
    private readonly long _detectedMs;
    private readonly bool _late;
    private readonly bool _held;

    internal EventSink(string carId, DeriveStep step, List<FleetEvent>? pending, long decidedTs, long detectedMs, bool late, bool held)
    {
        CarId = carId;
        _step = step;
        _pending = pending;
        _decidedTs = decidedTs;
        _detectedMs = detectedMs;
        _late = late;
        _held = held;
    }

    /// <summary>The car.</summary>
    public string CarId { get; }

    /// <summary>
    /// True when the observation being applied was received late (README.md, "Marked late"): every event emitted now is
    /// marked late. A processor that revises an episode later keeps the mark by emitting the revision with
    /// <see cref="FleetEvent.Late"/> set (an emitted event is late when either says so).
    /// </summary>
    public bool IsLate => _late;

    /// <summary>Emits an event; a later event under the same key in the same step replaces it.</summary>
    /// <param name="e">The event (its car, type, episode start, subject and details); the sink sets the rest.</param>
    public void Emit(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        FleetEvent stamped = e with
        {
            CarId = CarId,
            DecidedTs = _decidedTs,
            DetectedMs = _detectedMs,
            Late = _late || e.Late,
            Pending = _held,
        };
        if (_pending is not null)
        {
            _pending.RemoveAll(p => p.Key == stamped.Key);
            if (stamped.Pending)
            {
                _pending.Add(stamped);
            }
        }

        _step.Add(stamped);
    }

    /// <summary>Emits a trip (issue 17); a later trip with the same start in the same step replaces it.</summary>
    /// <param name="trip">The trip; the sink sets its car and the fix time that decided it.</param>
    public void EmitTrip(Processors.Trips.Trip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        _step.AddTrip(trip with { CarId = CarId, DecidedTs = _decidedTs });
    }

    /// <summary>Emits a stop (issue 17); a later stop with the same start in the same step replaces it.</summary>
    /// <param name="stop">The stop; the sink sets its car and the fix time that decided it.</param>
    public void EmitStop(Processors.Trips.Stop stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        _step.AddStop(stop with { CarId = CarId, DecidedTs = _decidedTs });
    }

    /// <summary>Puts an event through as it is (a pending event the clock settles).</summary>
    internal void Pass(FleetEvent e) => _step.Add(e);
}
