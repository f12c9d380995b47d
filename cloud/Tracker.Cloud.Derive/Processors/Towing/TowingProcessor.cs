using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Common;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Towing;

/// <summary>
/// Towing: with the ignition off, a fix more than <see cref="DeriveOptions.TowDistanceM"/> from where the car stood
/// when it went off (the last fix before, or the first after). Once per parking. Needs the ignition wired: with it
/// unknown nothing is reported (the car could just be driving).
/// </summary>
public sealed class TowingProcessor(DeriveOptions options) : IDeriveProcessor
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        TowingState state = states.Towing;
        if (states.Ignition.Current != IgnitionState.Off)
        {
            state.AnchorTs = null;
            state.Reported = false;
            return;
        }

        if (state.AnchorTs is null)
        {
            // Where it stood: the last fix known when the ignition went off, else this one.
            if (states.Track.Last is { } last)
            {
                Anchor(state, last.Ts, last.LatE7, last.LonE7);
            }
            else if (observation.Fix is { } first)
            {
                Anchor(state, first.Ts, first.LatE7, first.LonE7);
            }

            return;
        }

        if (observation.Fix is not { } fix || state.Reported)
        {
            return;
        }

        long metres = GeoMath.DistanceCm(state.AnchorLatE7, state.AnchorLonE7, fix.LatE7, fix.LonE7) / 100;
        if (metres > _options.TowDistanceM)
        {
            state.Reported = true;
            sink.Emit(new FleetEvent
            {
                CarId = sink.CarId,
                Type = EventType.Towing,
                EpisodeStartMs = fix.Ts,
                LatE7 = fix.LatE7,
                LonE7 = fix.LonE7,
                DistanceM = metres,
                Alert = true,
            });
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }

    private static void Anchor(TowingState state, long ts, int latE7, int lonE7)
    {
        state.AnchorTs = ts;
        state.AnchorLatE7 = latE7;
        state.AnchorLonE7 = lonE7;
        state.Reported = false;
    }
}
