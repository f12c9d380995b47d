using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>
/// Trips and the stops between them (README.md, "Trips, stops and the odometer"), from the fixes' moving flag, the
/// ignition and the positions, in fix-time order:
/// <list type="bullet">
/// <item>a trip starts at the first moving fix (from the standing fix just before it, when that is recent);</item>
/// <item>it ends when the car has stood still (not moving, or ignition off) for <see cref="TripOptions.MinStopDuration"/>
/// within <see cref="TripOptions.JitterRadiusM"/>: the end is the first standing fix, and what came after it (parked
/// jitter) is not counted;</item>
/// <item>a gap longer than <see cref="TripOptions.BridgeAfter"/> inside a trip is bridged, marked estimated, unless the
/// car was found where it was (then it stood) or the gap exceeds <see cref="TripOptions.MaxBridge"/>. The bridge is the
/// straight line, or, when the car was driving with a course into the gap, the circular arc leaving along that course
/// (<see cref="Bridge"/>);</item>
/// <item>a closed trip under the minimum distance, the minimum duration, or that never got farther than the jitter radius
/// from its start is dropped: parked jitter never makes a trip, and the stop around it carries on.</item>
/// </list>
/// Trips and stops are emitted keyed on their start, so a replay revises them.
/// </summary>
public sealed class TripProcessor(TripOptions options) : IDeriveProcessor
{
    private readonly TripOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        TripState state = states.Trips;
        if (observation.Status is { } status)
        {
            // Ignition off: the car stands from now, where it was last seen.
            if (status.Ignition == IgnitionState.Off && state.Open is { Still: null } open && state.Last is { } seen)
            {
                HoldStill(open, TripPoint.At(status.Ts, seen.LatE7, seen.LonE7));
            }

            Idle(state, status.Ts, status.Ignition, sink);
            return;
        }

        if (observation.Fix is not { } fix)
        {
            return;
        }

        TripPoint p = TripPoint.At(fix.Ts, fix.LatE7, fix.LonE7);
        p.SpeedMmps = fix.SpeedMmps ?? 0;
        p.CourseCdeg = fix.CourseCdeg;
        bool moving = fix.Moving && states.Ignition.Current != IgnitionState.Off;
        TripPoint? last = state.Last;
        state.Last = p;
        if (state.Open is { } trip && last is not null)
        {
            long gap = p.Ts - last.Ts;
            double d = Metres(last, p);
            bool stoodInGap = gap > Ms(_options.BridgeAfter) && gap >= Ms(_options.MinStopDuration)
                && (d < _options.JitterRadiusM || trip.Still is not null || d * 1000 / gap < _options.GapStoodBelowMps);
            if (gap > Ms(_options.MaxBridge) || stoodInGap)
            {
                // Too long to bridge; or the car was found where it was, or had stopped, or covered the gap far slower
                // than anyone drives, then went silent for a stop's length (a sparse report policy sends nothing while
                // parked): it stood in the gap.
                Close(states, trip, trip.Still ?? last, sink);
            }
            else
            {
                bool bridged = gap > Ms(_options.BridgeAfter);
                Extend(trip, p, bridged ? Bridge(last, p, d, gap) : d, bridged, fix);
                if (trip.Still is { } still)
                {
                    double fromStill = Metres(still, p);
                    if (fromStill > _options.JitterRadiusM && moving)
                    {
                        trip.Still = null;
                    }
                    else if (fromStill > _options.JitterRadiusM)
                    {
                        // Standing, but not where it was last seen: it drove here out of sight (a tunnel, an underground
                        // car park) and stands here. With the ignition off since the standstill began, it has stood here
                        // since then; else since now.
                        long since = states.Ignition.Current == IgnitionState.Off ? still.Ts : p.Ts;
                        HoldStill(trip, TripPoint.At(since, p.LatE7, p.LonE7));
                    }
                    else if (p.Ts - still.Ts >= Ms(_options.MinStopDuration) && fromStill <= _options.JitterRadiusM)
                    {
                        Close(states, trip, still, sink);
                    }
                }
                else if (!moving)
                {
                    // After a silence (a sparse policy reports a stop late), the car stood from about when it would have
                    // got here at its last speed; the figures are the trip's up to here all the same.
                    long stoodSince = p.Ts;
                    if (gap > Ms(_options.BridgeAfter) && last.SpeedMmps > 0)
                    {
                        stoodSince = Math.Min(p.Ts, last.Ts + (long)(d * 1_000_000 / last.SpeedMmps));
                    }

                    HoldStill(trip, TripPoint.At(stoodSince, p.LatE7, p.LonE7));
                }

                return;
            }
        }

        if (state.Open is null && moving)
        {
            Start(states, last, p, fix);
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(sink);
        TripState state = states.Trips;
        if (state.Open is not { } trip || state.Last is not { } last)
        {
            return;
        }

        // A parked car sends only a heartbeat: the clock ends a trip whose car stood still, or went silent too long.
        if (trip.Still is { } still && nowMs - still.Ts >= Ms(_options.CloseOnClockAfter))
        {
            Close(states, trip, still, sink);
        }
        else if (nowMs - last.Ts > Ms(_options.MaxBridge))
        {
            Close(states, trip, last, sink);
        }
    }

    private void Start(ProcessorStates states, TripPoint? last, TripPoint p, StoredFix fix)
    {
        TripState state = states.Trips;
        TripPoint start = p;
        double d = 0;
        bool estimated = false;
        if (last is not null)
        {
            long gap = p.Ts - last.Ts;
            double fromLast = Metres(last, p);
            if (gap <= Ms(_options.BridgeAfter))
            {
                // The standing fix just before: the trip began there.
                start = last;
                d = fromLast;
            }
            else if (fromLast >= _options.JitterRadiusM && gap <= Ms(_options.MaxBridge))
            {
                // It left while nothing was reported: from where it stood, at a time estimated from the speed now.
                long travelMs = fix.SpeedMmps is > 0 and int v ? (long)(fromLast * 1_000_000 / v) : gap;
                start = TripPoint.At(Math.Max(last.Ts, p.Ts - travelMs), last.LatE7, last.LonE7);
                d = fromLast;
                estimated = true;
            }
        }

        var trip = new OpenTrip
        {
            Start = start,
            StartOdometerM = states.Odometer.OffsetM + state.ClosedM,
            Fixes = start == p ? 0 : 1,
        };
        Extend(trip, p, d, estimated, fix);
        state.Open = trip;
    }

    /// <summary>
    /// The distance counted over a gap from <paramref name="last"/> to <paramref name="p"/> whose straight line is
    /// <paramref name="chord"/> m. A car last seen driving (at least <see cref="TripOptions.ArcBridgeMinSpeedMps"/>, with a
    /// course) went on along that course: the path is taken as the circular arc tangent to the course at the start and
    /// ending at <paramref name="p"/>. If the chord leaves the course at angle t, that arc is chord * t / sin t long (t
    /// capped at <see cref="TripOptions.ArcBridgeMaxTurnDeg"/>), and never longer than the last speed held for the whole
    /// gap. On a straight road t is about 0 and the arc is the chord.
    /// </summary>
    private double Bridge(TripPoint last, TripPoint p, double chord, long gapMs)
    {
        if (last.CourseCdeg is not { } course || last.SpeedMmps < _options.ArcBridgeMinSpeedMps * 1000 || chord < _options.JitterRadiusM)
        {
            return chord;
        }

        double turn = Math.Abs(GeoDistance.BearingDeg(last.LatE7, last.LonE7, p.LatE7, p.LonE7) - (course / 100.0)) % 360;
        turn = Math.Min(Math.Min(turn, 360 - turn), _options.ArcBridgeMaxTurnDeg) * Math.PI / 180;
        double arc = turn < 1e-6 ? chord : chord * turn / Math.Sin(turn);
        return Math.Min(arc, Math.Max(chord, last.SpeedMmps * (gapMs / 1_000_000.0)));
    }

    private static void Extend(OpenTrip trip, TripPoint p, double d, bool estimated, StoredFix fix)
    {
        trip.DistanceM += d;
        if (estimated)
        {
            trip.EstimatedM += d;
        }

        trip.Fixes++;
        trip.MaxSpeedMmps = Math.Max(trip.MaxSpeedMmps, fix.SpeedMmps ?? 0);
        trip.MaxReachM = Math.Max(trip.MaxReachM, Metres(trip.Start, p));
    }

    private static void HoldStill(OpenTrip trip, TripPoint p)
    {
        trip.Still = p;
        trip.StillDistanceM = trip.DistanceM;
        trip.StillEstimatedM = trip.EstimatedM;
        trip.StillFixes = trip.Fixes;
    }

    private void Close(ProcessorStates states, OpenTrip trip, TripPoint end, EventSink sink)
    {
        TripState state = states.Trips;
        state.Open = null;
        bool atStill = ReferenceEquals(end, trip.Still) || (trip.Still is { } s && s.Ts == end.Ts);
        double distance = atStill ? trip.StillDistanceM : trip.DistanceM;
        double estimated = atStill ? trip.StillEstimatedM : trip.EstimatedM;
        int fixes = atStill ? trip.StillFixes : trip.Fixes;
        long duration = end.Ts - trip.Start.Ts;
        if (distance < _options.MinTripDistanceM || duration < Ms(_options.MinTripDuration) || trip.MaxReachM < _options.JitterRadiusM)
        {
            return;
        }

        if (state.Stop is { } before && before.StartTs <= trip.Start.Ts)
        {
            long idled = state.IdleFromTs is { } idleFrom ? Math.Max(0, trip.Start.Ts - Math.Max(idleFrom, before.StartTs)) : 0;
            sink.EmitStop(before with { EndTs = trip.Start.Ts, IdleMs = before.IdleMs + idled });
        }

        sink.EmitTrip(new Trip
        {
            StartTs = trip.Start.Ts,
            StartLatE7 = trip.Start.LatE7,
            StartLonE7 = trip.Start.LonE7,
            EndTs = end.Ts,
            EndLatE7 = end.LatE7,
            EndLonE7 = end.LonE7,
            DistanceM = Math.Round(distance, 1),
            EstimatedM = Math.Round(estimated, 1),
            MaxSpeedMmps = trip.MaxSpeedMmps,
            Fixes = fixes,
            StartOdometerM = Math.Round(trip.StartOdometerM, 1),
        });
        state.ClosedM += distance;
        // The stop is confirmed after it began (2 minutes on, or at the next fix after a silence): what the ignition did
        // since its start. Running all along: idle from the start, on. Switched off since: idle from the start to the
        // switch-off. Switched on again since (a warm-up before the next trip): idle from then, on.
        bool running = states.Ignition.Current == IgnitionState.On;
        long ranOn = state.IgnitionOffTs is { } off && off > end.Ts && (!running || state.IgnitionOnTs > off) ? off - end.Ts : 0;
        state.IdleFromTs = running ? Math.Max(end.Ts, state.IgnitionOnTs ?? end.Ts) : null;
        state.Stop = new Stop { CarId = sink.CarId, StartTs = end.Ts, LatE7 = end.LatE7, LonE7 = end.LonE7, IdleMs = ranOn };
        sink.EmitStop(state.Stop);
    }

    /// <summary>
    /// Idle time: the ignition on while the car stands in a stop (the engine left running at a parking place, a driver
    /// waiting). Counted from the later of the stop's start and the ignition going on, to the ignition going off or the
    /// next trip's start; the stop is written again with its idle time each time the ignition goes off.
    /// </summary>
    private static void Idle(TripState state, long ts, IgnitionState ignition, EventSink sink)
    {
        if (ignition == IgnitionState.Off && (state.IgnitionOnTs ?? long.MinValue) >= (state.IgnitionOffTs ?? long.MinValue))
        {
            state.IgnitionOffTs = ts;
        }
        else if (ignition == IgnitionState.On && (state.IgnitionOffTs ?? long.MinValue) >= (state.IgnitionOnTs ?? long.MinValue))
        {
            state.IgnitionOnTs = ts;
        }

        if (state.Stop is not { EndTs: null } stop)
        {
            return;
        }

        if (ignition == IgnitionState.On && state.IdleFromTs is null && state.Open is null)
        {
            state.IdleFromTs = Math.Max(ts, stop.StartTs);
        }
        else if (ignition == IgnitionState.Off && state.IdleFromTs is { } from)
        {
            // While a trip is being judged, the stop ended where it began.
            long until = state.Open is { } open ? Math.Min(ts, open.Start.Ts) : ts;
            state.Stop = stop with { IdleMs = stop.IdleMs + Math.Max(0, until - from) };
            state.IdleFromTs = null;
            sink.EmitStop(state.Stop);
        }
    }

    private static double Metres(TripPoint a, TripPoint b) => GeoDistance.Metres(a.LatE7, a.LonE7, b.LatE7, b.LonE7);

    private static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;
}
