using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Processors.Geofence;

/// <summary>
/// Enter and exit for every zone that applies to the car, with hysteresis by distance and dwell (README.md, "Hysteresis
/// for fences"): a fix on the other side starts a crossing; it is confirmed by a fix <see cref="DeriveOptions.FenceMarginM"/>
/// beyond the boundary, or by one beyond the jitter band <see cref="DeriveOptions.FenceDwell"/> after it began; a fix
/// back beyond the band cancels it. The event's time and place are where the crossing began: the first fix of the latest
/// run on the other side, where a fix standing within the band ends a run, so a car that waits on the line in the
/// receiver's jitter (on either side) crosses when it drives on.
/// </summary>
public sealed class GeofenceProcessor(DeriveOptions options) : IDeriveProcessor
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

        Dictionary<string, ZoneTrack> tracks = states.Geofence.Zones;
        IReadOnlyList<Zone> zones = context.ZonesAt(fix.Ts);

        // A zone that no longer applies (deleted, or its rental over) forgets its side: if it applies again, the
        // first fix sets the side without an event.
        foreach (string id in tracks.Keys.Where(id => !zones.Any(z => z.Id == id)).ToList())
        {
            tracks.Remove(id);
        }

        foreach (Zone zone in zones)
        {
            if (!tracks.TryGetValue(zone.Id, out ZoneTrack? track))
            {
                track = new ZoneTrack();
                tracks[zone.Id] = track;
            }

            Step(zone, track, fix, ZoneGeometry.SignedDistanceM(zone, fix.LatE7, fix.LonE7), sink);
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }

    private void Step(Zone zone, ZoneTrack track, StoredFix fix, double outsideM, EventSink sink)
    {
        if (track.Inside is not { } inside)
        {
            track.Inside = outsideM <= 0;
            return;
        }

        // Beyond the boundary as seen from the side the car is on: positive on the other side.
        double beyond = inside ? outsideM : -outsideM;
        if (beyond > 0)
        {
            if (track.PendingTs is null || track.PendingBack)
            {
                track.PendingBack = false;
                track.PendingTs = fix.Ts;
                track.PendingLatE7 = fix.LatE7;
                track.PendingLonE7 = fix.LonE7;
            }

            bool far = beyond >= _options.FenceMarginM;
            bool held = beyond > _options.FenceBandM && fix.Ts - track.PendingTs.Value >= (long)_options.FenceDwell.TotalMilliseconds;
            if (far || held)
            {
                sink.Emit(new FleetEvent
                {
                    CarId = sink.CarId,
                    Type = inside ? EventType.GeofenceExit : EventType.GeofenceEnter,
                    EpisodeStartMs = track.PendingTs.Value,
                    Subject = zone.Id,
                    LatE7 = track.PendingLatE7,
                    LonE7 = track.PendingLonE7,
                    Detail = zone.Name,
                    Alert = inside && zone.Scope == ZoneScope.Rental,
                });
                track.Inside = !inside;
                track.PendingTs = null;
            }
            else if (beyond <= _options.FenceBandM && !fix.Moving)
            {
                // Standing on the line: a car that is not moving is not crossing, whichever side the receiver puts it.
                track.PendingBack = true;
            }
        }
        else if (beyond < -_options.FenceBandM)
        {
            track.PendingTs = null;
            track.PendingBack = false;
        }
        else if (track.PendingTs is not null)
        {
            // Back on the first side, within the band: not a cancellation (it may be jitter), but if the car does
            // cross, it crossed after this fix.
            track.PendingBack = true;
        }
    }
}
