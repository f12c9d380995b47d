using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Power;

/// <summary>
/// Main power lost and restored (with hysteresis: lost below <see cref="DeriveOptions.PowerLostBelowMv"/>, back at
/// <see cref="DeriveOptions.PowerRestoredAtMv"/>; the tracker reports it from its backup cell or as it dies), and a
/// low car battery while parked (ignition off, or unknown and not moving): below <see cref="DeriveOptions.LowBatteryBelowMv"/>
/// for <see cref="DeriveOptions.LowBatteryDwell"/>, once per episode, cleared at <see cref="DeriveOptions.LowBatteryClearMv"/>
/// or when the engine runs (the alternator charges it). Reads the supply voltage statuses carry.
/// </summary>
public sealed class PowerProcessor(DeriveOptions options) : IDeriveProcessor
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Status is not { Online: true, SupplyMv: { } mv } status)
        {
            return;
        }

        PowerState state = states.Power;
        Engine.LastFix? at = states.Track.Last;
        if (state.MainPresent is null)
        {
            state.MainPresent = mv >= _options.PowerLostBelowMv;
        }
        else if (state.MainPresent == true && mv < _options.PowerLostBelowMv)
        {
            state.MainPresent = false;
            state.LowSinceTs = null;
            state.LowReported = false;
            sink.Emit(Event(sink.CarId, EventType.PowerLost, status.Ts, mv, at));
        }
        else if (state.MainPresent == false && mv >= _options.PowerRestoredAtMv)
        {
            state.MainPresent = true;
            sink.Emit(Event(sink.CarId, EventType.PowerRestored, status.Ts, mv, at));
        }

        IgnitionState ignition = status.Ignition != IgnitionState.Unknown ? status.Ignition : states.Ignition.Current;
        bool parked = ignition == IgnitionState.Off || (ignition == IgnitionState.Unknown && states.Movement.Moving != true);
        if (state.MainPresent == true && parked && mv < _options.LowBatteryBelowMv)
        {
            if (state.LowSinceTs is null)
            {
                state.LowSinceTs = status.Ts;
                state.LowMv = mv;
                state.LowReported = false;
            }

            state.LowMv = Math.Min(state.LowMv, mv);
            if (!state.LowReported && status.Ts - state.LowSinceTs.Value >= (long)_options.LowBatteryDwell.TotalMilliseconds)
            {
                state.LowReported = true;
                sink.Emit(Event(sink.CarId, EventType.LowBattery, state.LowSinceTs.Value, state.LowMv, at));
            }
        }
        else if (!parked || mv >= _options.LowBatteryClearMv || state.MainPresent != true)
        {
            state.LowSinceTs = null;
            state.LowReported = false;
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }

    private static FleetEvent Event(string carId, EventType type, long ts, int mv, Engine.LastFix? at) => new()
    {
        CarId = carId,
        Type = type,
        EpisodeStartMs = ts,
        VoltageMv = mv,
        LatE7 = at?.LatE7,
        LonE7 = at?.LonE7,
        Alert = type == EventType.PowerLost,
    };
}
