using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Connectivity;
using Tracker.Cloud.Derive.Processors.Geofence;
using Tracker.Cloud.Derive.Processors.Ignition;
using Tracker.Cloud.Derive.Processors.Movement;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Overspeed;
using Tracker.Cloud.Derive.Processors.Power;
using Tracker.Cloud.Derive.Processors.Rentals;
using Tracker.Cloud.Derive.Processors.Towing;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// The engine (README.md, "The model" and "Late and re-delivered data"): folds the processor chain over one car's
/// observations in fix-time order, checkpoints the states, rewinds for late data, holds events that follow a gap, and
/// applies the clock. Pure: the caller reads and writes the <see cref="CarDerivation"/> and the stored observations.
/// A step mutates the <see cref="CarDerivation"/> it is given; the caller writes it back, or drops it on a conflict.
/// </summary>
public sealed class CarDeriver
{
    private readonly DeriveOptions _options;
    private readonly IReadOnlyList<IDeriveProcessor> _processors;
    private readonly ConnectivityTracker _connectivity;

    /// <summary>Creates the engine with the standard chain (<see cref="StandardChain"/>).</summary>
    /// <param name="options">Thresholds; validated here.</param>
    public CarDeriver(DeriveOptions options)
        : this(options, StandardChain(options))
    {
    }

    /// <summary>Creates the engine with a chain of processors.</summary>
    /// <param name="options">Thresholds; validated here.</param>
    /// <param name="processors">The chain, in the order each observation goes through it.</param>
    public CarDeriver(DeriveOptions options, IReadOnlyList<IDeriveProcessor> processors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        options.Validate();
        _options = options;
        _processors = processors;
        _connectivity = new ConnectivityTracker(options);
    }

    /// <summary>The options.</summary>
    public DeriveOptions Options => _options;

    /// <summary>
    /// The processors of issue 16, in order: ignition first (towing, power and connectivity read it), movement (power
    /// reads it), issue 17's trips and stops, then the odometer (rentals read it), then fences, overspeed, power, towing
    /// and rentals.
    /// </summary>
    /// <param name="options">Thresholds.</param>
    /// <returns>The chain.</returns>
    public static IReadOnlyList<IDeriveProcessor> StandardChain(DeriveOptions options) =>
    [
        new IgnitionProcessor(),
        new MovementProcessor(options),
        new TripProcessor(options.Trips),
        new OdometerProcessor(options.Trips),
        new GeofenceProcessor(options),
        new OverspeedProcessor(options),
        new PowerProcessor(options),
        new TowingProcessor(options),
        new RentalProcessor(options),
    ];

    /// <summary>
    /// Decides how to take new observations: forward, or a rewind to the newest checkpoint at or before the oldest late
    /// one (then the caller reads the car's stored observations from <see cref="DerivePlan.RewindTo"/> on). A dashboard
    /// odometer reading in <paramref name="context"/> dated before the watermark and not applied yet (an operator entered
    /// it after the fact) is late data too: the rewind applies it at its own time, so the distance driven since counts.
    /// </summary>
    /// <param name="car">The car's state.</param>
    /// <param name="incoming">The new observations (already stored), any order.</param>
    /// <param name="context">The step's context (its odometer readings), or null.</param>
    /// <returns>The plan.</returns>
    public DerivePlan Plan(CarDerivation car, IReadOnlyList<Observation> incoming, DeriveContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(incoming);
        if (car.WatermarkTs is not { } watermark)
        {
            return new DerivePlan(null, 0, 0);
        }

        long oldest = car.Checkpoints.Count > 0 ? car.Checkpoints[0].Ts : long.MaxValue;
        int duplicates = 0;
        int beyond = 0;
        long? earliestLate = null;
        foreach (Observation o in incoming)
        {
            int c = o.Ts != watermark ? o.Ts.CompareTo(watermark) : o.Order.CompareTo(car.WatermarkOrder);
            if (c == 0)
            {
                duplicates++;
            }
            else if (c < 0)
            {
                if (o.Ts < oldest)
                {
                    beyond++;
                }
                else
                {
                    earliestLate = Math.Min(earliestLate ?? long.MaxValue, o.Ts);
                }
            }
        }

        long? applied = car.States.Odometer.ReadingTs;
        foreach (Processors.Odometer.OdometerReading reading in context?.OdometerReadings ?? [])
        {
            if (reading.AtTs < watermark && reading.AtTs >= oldest && (applied is null || reading.AtTs > applied))
            {
                earliestLate = Math.Min(earliestLate ?? long.MaxValue, reading.AtTs);
            }
        }

        if (earliestLate is not { } late)
        {
            return new DerivePlan(null, duplicates, beyond);
        }

        long to = car.Checkpoints.Last(cp => cp.Ts <= late).Ts;
        return new DerivePlan(to, duplicates, beyond);
    }

    /// <summary>Runs a step planned by <see cref="Plan"/>.</summary>
    /// <param name="car">The car's state; changed in place.</param>
    /// <param name="incoming">The new observations, in arrival order (connectivity hears them).</param>
    /// <param name="plan">The plan.</param>
    /// <param name="history">
    /// The car's stored observations (any order): from <see cref="DerivePlan.RewindTo"/> on for a rewind (required), else from the
    /// watermark on (optional: without it the new observations alone are folded).
    /// </param>
    /// <param name="context">Zones, rentals, limits.</param>
    /// <returns>The events and what was done.</returns>
    /// <exception cref="ArgumentException">A rewind without history.</exception>
    public DeriveStep Run(CarDerivation car, IReadOnlyList<Observation> incoming, DerivePlan plan, IReadOnlyList<Observation>? history, DeriveContext context)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(context);
        var step = new DeriveStep { Duplicates = plan.Duplicates, BeyondHorizon = plan.BeyondHorizon };
        car.BeyondHorizon += plan.BeyondHorizon;

        foreach (Observation o in incoming)
        {
            _connectivity.Arrive(car.Connectivity, o, ArrivalSink(car, step, o.ReceivedMs));
        }

        List<Observation> fold;
        if (plan.RewindTo is { } rewindTo)
        {
            if (history is null)
            {
                throw new ArgumentException("a rewind needs the car's stored observations from " + rewindTo, nameof(history));
            }

            Restore(car, rewindTo);
            step.RewoundFrom = rewindTo;
            fold = history.Where(o => o.Ts >= rewindTo).ToList();
        }
        else
        {
            // Forward: what is stored from the watermark on when the caller read it, else the new observations.
            fold = history is null ? [.. incoming] : [.. history];
        }

        fold.Sort(Observation.Compare);
        foreach (Observation o in fold)
        {
            if (car.WatermarkTs is { } w && (o.Ts < w || (o.Ts == w && o.Order <= car.WatermarkOrder)))
            {
                continue;
            }

            Apply(car, o, context, step);
        }

        if (step.RewoundFrom is not null && car.LastTickMs > 0)
        {
            // The replay ends where the clock had got to: what the clock decided is decided again on the revised data.
            TickProcessors(car, car.LastTickMs, context, step);
        }

        return step;
    }

    /// <summary>Lets the clock pass for a car: rentals decided on the clock, pending events settled, offline.</summary>
    /// <param name="car">The car's state; changed in place.</param>
    /// <param name="nowMs">The clock, UTC epoch ms.</param>
    /// <param name="context">Zones, rentals, limits.</param>
    /// <returns>The events.</returns>
    public DeriveStep Tick(CarDerivation car, long nowMs, DeriveContext context)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(context);
        var step = new DeriveStep();
        car.LastTickMs = Math.Max(car.LastTickMs, nowMs);
        TickProcessors(car, nowMs, context, step);
        IgnitionState ignition = car.States.Ignition.Current;
        _connectivity.Tick(car.Connectivity, ignition, nowMs, ArrivalSink(car, step, nowMs), context.OfflineAfterAt(nowMs, ignition == IgnitionState.On));
        return step;
    }

    private void Apply(CarDerivation car, Observation o, DeriveContext context, DeriveStep step)
    {
        MaybeCheckpoint(car, o);
        bool held = car.WatermarkTs is { } w && o.Ts - w > (long)_options.HoldGap.TotalMilliseconds;
        bool late = o.ReceivedMs - o.Ts > (long)_options.LateAfter.TotalMilliseconds;
        var sink = new EventSink(car.CarId, step, car.States.Pending, o.Ts, o.ReceivedMs, late, held);
        foreach (IDeriveProcessor processor in _processors)
        {
            processor.Apply(car.States, o, context, sink);
        }

        if (o.Fix is { } fix)
        {
            car.States.Track.Last = new LastFix { Ts = fix.Ts, LatE7 = fix.LatE7, LonE7 = fix.LonE7, OdometerM = (long)Math.Round(car.States.Odometer.ValueM), Moving = fix.Moving };
        }

        car.WatermarkTs = o.Ts;
        car.WatermarkOrder = o.Order;
        step.Applied++;
    }

    private void TickProcessors(CarDerivation car, long nowMs, DeriveContext context, DeriveStep step)
    {
        var sink = new EventSink(car.CarId, step, car.States.Pending, car.WatermarkTs ?? 0, nowMs, late: false, held: false);
        foreach (IDeriveProcessor processor in _processors)
        {
            processor.Tick(car.States, nowMs, context, sink);
        }

        long settle = (long)_options.Settle.TotalMilliseconds;
        foreach (FleetEvent pending in car.States.Pending.Where(p => nowMs - p.DetectedMs >= settle).ToList())
        {
            car.States.Pending.Remove(pending);
            sink.Pass(pending with { Pending = false });
        }
    }

    private void MaybeCheckpoint(CarDerivation car, Observation o)
    {
        if (car.Checkpoints.Count == 0)
        {
            // The car's beginning (or a state from before checkpoints): a rewind can always get back here.
            car.Checkpoints.Add(Snapshot(car, car.WatermarkTs is null ? long.MinValue : o.Ts));
            return;
        }

        long every = (long)_options.CheckpointEvery.TotalMilliseconds;
        long boundary = Math.DivRem(o.Ts, every, out long rest) * every;
        if (rest < 0)
        {
            boundary -= every;
        }

        if (boundary > car.Checkpoints[^1].Ts && (car.WatermarkTs is not { } w || w < boundary))
        {
            car.Checkpoints.Add(Snapshot(car, boundary));
            if (car.Checkpoints.Count > _options.MaxCheckpoints)
            {
                car.Checkpoints.RemoveRange(0, car.Checkpoints.Count - _options.MaxCheckpoints);
            }
        }
    }

    private static Checkpoint Snapshot(CarDerivation car, long ts) => new()
    {
        Ts = ts,
        WatermarkTs = car.WatermarkTs,
        WatermarkOrder = car.WatermarkOrder,
        States = DeriveJson.Write(car.States),
    };

    private static void Restore(CarDerivation car, long ts)
    {
        Checkpoint checkpoint = car.Checkpoints.Last(cp => cp.Ts == ts);
        car.States = DeriveJson.ReadStates(checkpoint.States);
        car.WatermarkTs = checkpoint.WatermarkTs;
        car.WatermarkOrder = checkpoint.WatermarkOrder;
        car.Checkpoints.RemoveAll(cp => cp.Ts > ts);
    }

    private static EventSink ArrivalSink(CarDerivation car, DeriveStep step, long nowMs) =>
        new(car.CarId, step, null, car.WatermarkTs ?? 0, nowMs, late: false, held: false);
}
