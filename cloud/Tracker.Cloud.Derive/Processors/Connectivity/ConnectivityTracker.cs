using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Connectivity;

/// <summary>
/// Offline and online, by arrival time: offline when nothing arrived for <see cref="DeriveOptions.OfflineAfterIgnitionOn"/>
/// (ignition on) or <see cref="DeriveOptions.OfflineAfterIgnitionOff"/> (off or unknown), at the time it was last heard;
/// online at the first message after. A last will is the broker speaking, not the car, so it is not "heard".
/// Unlike the processors it sees arrivals, not the fix-time fold, so late data never changes it.
/// </summary>
public sealed class ConnectivityTracker(DeriveOptions options)
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>A message arrived.</summary>
    /// <param name="state">The car's connectivity.</param>
    /// <param name="observation">What arrived.</param>
    /// <param name="sink">Where events go.</param>
    public void Arrive(ConnectivityState state, Observation observation, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Status is { Online: false })
        {
            return;
        }

        if (state.Offline)
        {
            state.Offline = false;
            sink.Emit(new FleetEvent { CarId = sink.CarId, Type = EventType.Online, EpisodeStartMs = observation.ReceivedMs });
        }

        state.LastHeardMs = Math.Max(state.LastHeardMs ?? long.MinValue, observation.ReceivedMs);
    }

    /// <summary>Time passed.</summary>
    /// <param name="state">The car's connectivity.</param>
    /// <param name="ignition">The ignition last known.</param>
    /// <param name="nowMs">The clock.</param>
    /// <param name="sink">Where events go.</param>
    /// <param name="setLimit">The limit set for this car in the store (rental, car or fleet), or null for the options'.</param>
    public void Tick(ConnectivityState state, IgnitionState ignition, long nowMs, EventSink sink, TimeSpan? setLimit = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sink);
        TimeSpan limit = setLimit ?? (ignition == IgnitionState.On ? _options.OfflineAfterIgnitionOn : _options.OfflineAfterIgnitionOff);
        if (!state.Offline && state.LastHeardMs is { } heard && nowMs - heard > (long)limit.TotalMilliseconds)
        {
            state.Offline = true;
            sink.Emit(new FleetEvent { CarId = sink.CarId, Type = EventType.Offline, EpisodeStartMs = heard, Alert = ignition == IgnitionState.On });
        }
    }
}
