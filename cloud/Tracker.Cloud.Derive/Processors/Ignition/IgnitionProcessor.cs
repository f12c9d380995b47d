using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Ignition;

/// <summary>
/// Ignition on and off, from statuses (the firmware sends one on every change, at most every few seconds; statuses are
/// not kept in the car's log, so a dead zone's changes are lost except the one in force at the reconnect). The first
/// known state sets it silently; an unknown ignition changes nothing.
/// </summary>
public sealed class IgnitionProcessor : IDeriveProcessor
{
    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Status is not { Online: true } status || status.Ignition == IgnitionState.Unknown)
        {
            return;
        }

        IgnitionSwitchState state = states.Ignition;
        if (state.Current == status.Ignition)
        {
            return;
        }

        bool first = state.Current == IgnitionState.Unknown;
        state.Current = status.Ignition;
        state.SinceTs = status.Ts;
        if (!first)
        {
            LastFix? at = states.Track.Last;
            sink.Emit(new FleetEvent
            {
                CarId = sink.CarId,
                Type = status.Ignition == IgnitionState.On ? EventType.IgnitionOn : EventType.IgnitionOff,
                EpisodeStartMs = status.Ts,
                LatE7 = at?.LatE7,
                LonE7 = at?.LonE7,
            });
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }
}
