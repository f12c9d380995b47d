using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Processors.Overspeed;

/// <summary>
/// Overspeed episodes: a fix above the limit (the rental's, car's or fleet's, <see cref="DeriveContext.SpeedLimitMmpsAt"/>)
/// starts one; it lasts while fixes stay above the limit less <see cref="DeriveOptions.OverspeedEndMarginMmps"/>, and
/// counts once fixes above span <see cref="DeriveOptions.OverspeedMinDuration"/>. One event per episode: written when
/// confirmed (no end yet) and written again under the same key when it ends, with its maximum speed and duration.
/// A gap longer than <see cref="DeriveOptions.OverspeedMaxGap"/> ends it at its last fix above (nothing is known after).
/// </summary>
public sealed class OverspeedProcessor(DeriveOptions options) : IDeriveProcessor
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Fix is not { } fix)
        {
            return;
        }

        OverspeedState state = states.Overspeed;
        if (state.Episode is { } open && fix.Ts - open.LastAboveTs > (long)_options.OverspeedMaxGap.TotalMilliseconds)
        {
            Close(state, open.LastAboveTs, sink);
        }

        int? limit = context.SpeedLimitMmpsAt(fix.Ts);
        if (state.Episode is { } episode)
        {
            if (fix.SpeedMmps is { } speed && speed > episode.LimitMmps - _options.OverspeedEndMarginMmps)
            {
                episode.MaxMmps = Math.Max(episode.MaxMmps, speed);
                episode.LastAboveTs = fix.Ts;
            }
            else if (fix.SpeedMmps is not null)
            {
                Close(state, fix.Ts, sink);
            }
        }
        else if (limit is { } l && fix.SpeedMmps is { } speed && speed > l)
        {
            state.Episode = new OverspeedEpisode
            {
                StartTs = fix.Ts,
                LatE7 = fix.LatE7,
                LonE7 = fix.LonE7,
                LimitMmps = l,
                MaxMmps = speed,
                LastAboveTs = fix.Ts,
            };
        }

        if (state.Episode is { Confirmed: false } pending
            && pending.LastAboveTs - pending.StartTs >= (long)_options.OverspeedMinDuration.TotalMilliseconds)
        {
            pending.Confirmed = true;
            pending.Late = sink.IsLate;
            sink.Emit(Event(sink.CarId, pending, null));
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }

    private static void Close(OverspeedState state, long endTs, EventSink sink)
    {
        OverspeedEpisode episode = state.Episode!;
        state.Episode = null;
        if (episode.Confirmed)
        {
            sink.Emit(Event(sink.CarId, episode, endTs));
        }
    }

    private static FleetEvent Event(string carId, OverspeedEpisode episode, long? endTs) => new()
    {
        CarId = carId,
        Type = EventType.Overspeed,
        EpisodeStartMs = episode.StartTs,
        EndMs = endTs,
        LatE7 = episode.LatE7,
        LonE7 = episode.LonE7,
        SpeedMmps = episode.MaxMmps,
        LimitMmps = episode.LimitMmps,
        Late = episode.Late,
    };
}
