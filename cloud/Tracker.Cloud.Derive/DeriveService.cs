using System.Collections.Concurrent;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive;

/// <summary>
/// The Derive stage's entry point (README.md, "State that survives a restart, and concurrency"): for one car, reads
/// its state, runs the engine (reading stored observations for a rewind), and commits state and events in one
/// conditional write, again from a fresh read when another writer won. Storage failures propagate: the caller
/// retries, and the step is repeatable because the fixes are stored and the events keyed.
/// </summary>
public sealed class DeriveService
{
    /// <summary>How many times a step is redone after losing a conditional write.</summary>
    public const int MaxAttempts = 8;

    private readonly CarDeriver _deriver;
    private readonly IDerivationStore _states;
    private readonly IEventStore _events;
    private readonly IObservationSource _observations;
    private readonly IDeriveContextSource _contexts;
    private readonly ITripStore? _trips;
    private readonly ITripCommitStore? _tripsCommitted;
    private readonly IDerivationVersions? _versions;
    private readonly ConcurrentDictionary<string, Loaded> _kept = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    /// <param name="deriver">The engine.</param>
    /// <param name="states">Car states and event writes.</param>
    /// <param name="events">Event reads.</param>
    /// <param name="observations">Stored fixes and statuses.</param>
    /// <param name="contexts">Zones, rentals, limits.</param>
    /// <param name="trips">Trips and stops (issue 17), or null to keep them in the state only. When
    /// <paramref name="states"/> is an <see cref="ITripCommitStore"/> that can commit them, they are committed with the
    /// state; otherwise each step writes them just before its commit.</param>
    public DeriveService(CarDeriver deriver, IDerivationStore states, IEventStore events, IObservationSource observations, IDeriveContextSource contexts, ITripStore? trips = null)
    {
        ArgumentNullException.ThrowIfNull(deriver);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(contexts);
        _deriver = deriver;
        _states = states;
        _events = events;
        _observations = observations;
        _contexts = contexts;
        _trips = trips;
        _tripsCommitted = trips is not null && states is ITripCommitStore committing && committing.CanCommit(trips) ? committing : null;
        _versions = states as IDerivationVersions;
    }

    /// <summary>
    /// How long a state kept from a car's last step is used without reading its stored version (with a store that tells
    /// versions: SQLite). Every commit checks the version in its own transaction, so a state another writer moved meanwhile
    /// costs only a lost commit, redone from a fresh read; only a step that writes nothing (most clock ticks) could go on
    /// from it, and for no longer than this. In the local host nothing else writes a car's state, and at 10,000 cars the
    /// version read before every step and tick was some 3,500 read transactions a second.
    /// </summary>
    public TimeSpan KeptCheckEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock <see cref="KeptCheckEvery"/> is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called once a step has committed, with what it stored (<see cref="DeriveStep.Events"/>) and withdrew
    /// (<see cref="DeriveStep.Withdrawn"/>): the live event feed on AWS. It runs after the write, so what it does cannot
    /// undo the step; it must not throw (a throw would fail the caller, and the step is already stored).
    /// </summary>
    public Func<DeriveStep, CancellationToken, Task>? Committed { get; set; }

    /// <summary>Derives from observations of one car that ingest has just stored.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="incoming">The stored fixes and statuses, in arrival order.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What the committed step did.</returns>
    /// <exception cref="DeriveConflictException">Lost <see cref="MaxAttempts"/> conditional writes in a row.</exception>
    public Task<DeriveStep> DeriveAsync(string carId, IReadOnlyList<Observation> incoming, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(incoming);
        return CommitLoopAsync(carId, async (loaded, context) =>
        {
            CarDerivation car = loaded.Changing();

            // Forward from the watermark too, the fold reads what is stored rather than trusting the message alone: a
            // step that failed after ingest stored its fixes is made good by the next one.
            DerivePlan plan = _deriver.Plan(car, incoming, context);
            long from = plan.RewindTo ?? car.WatermarkTs ?? long.MinValue;
            IReadOnlyList<Observation> history = await _observations.ReadFromAsync(carId, from, cancellationToken).ConfigureAwait(false);
            return _deriver.Run(car, incoming, plan, history, context);
        }, cancellationToken);
    }

    /// <summary>
    /// Derives a span of a car's stored fixes (a change feed's entries, <see cref="FeedDerive"/>) with
    /// <paramref name="extra"/> observations stored outside it (a status). One read serves as both the span's fixes and
    /// the history when the span lies ahead of the watermark, the usual case. The fold stops at the span's end: fixes
    /// stored while the step runs belong to the next step, which then finds them ahead of the watermark rather than late.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="fromTs">The span's first fix time, UTC epoch ms.</param>
    /// <param name="toTs">Its last, inclusive.</param>
    /// <param name="extra">Observations derived with it, already stored.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What the committed step did.</returns>
    /// <exception cref="DeriveConflictException">Lost <see cref="MaxAttempts"/> conditional writes in a row.</exception>
    public Task<DeriveStep> DeriveSpanAsync(string carId, long fromTs, long toTs, IReadOnlyList<Observation> extra, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(extra);
        long until = extra.Count == 0 ? toTs : Math.Max(toTs, extra.Max(o => o.Ts));
        return CommitLoopAsync(carId, async (loaded, context) =>
        {
            CarDerivation car = loaded.Changing();
            long watermark = car.WatermarkTs ?? long.MinValue;
            long readFrom = Math.Min(watermark, fromTs);
            IReadOnlyList<Observation> stored = await _observations.ReadFromAsync(carId, readFrom, cancellationToken).ConfigureAwait(false);
            List<Observation> incoming = [.. stored.Where(o => o.Fix is not null && o.Ts >= fromTs && o.Ts <= toTs), .. extra];
            DerivePlan plan = _deriver.Plan(car, incoming, context);
            long from = plan.RewindTo ?? watermark;
            IReadOnlyList<Observation> history = from >= readFrom
                ? stored
                : await _observations.ReadFromAsync(carId, from, cancellationToken).ConfigureAwait(false);

            // A rewind replays at least up to the old watermark: what was derived after the late span must be folded
            // again, or the step would leave it behind (it is no longer in the feed).
            long foldTo = plan.RewindTo is null ? until : Math.Max(until, watermark);
            return _deriver.Run(car, incoming, plan, [.. history.Where(o => o.Ts >= from && o.Ts <= foldTo)], context);
        }, cancellationToken);
    }

    /// <summary>Applies the clock to one car.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="nowMs">The clock, UTC epoch ms.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What the committed step did.</returns>
    /// <exception cref="DeriveConflictException">Lost <see cref="MaxAttempts"/> conditional writes in a row.</exception>
    public Task<DeriveStep> TickAsync(string carId, long nowMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return CommitLoopAsync(carId, (loaded, context) => Task.FromResult(TickOrNothing(loaded, nowMs, context)), cancellationToken);
    }

    // Most ticks of most cars change nothing but the clock; those are not written (DeriveStep.Unchanged). At 10,000 cars
    // ticked every 5 s that was 2,000 commits a second of states identical but for LastTickMs (the local host's profile).
    // The clock a replay ends at is then the last tick that changed something, at most a tick period behind; the next
    // tick applies the clock again. A tick changes only the clock, the processors' states and the connectivity, never
    // the watermark or the checkpoints (CarDeriver.Tick), so only those two are compared, not the whole state with its
    // checkpoints (up to 48 snapshots of the processors' states). The comparison's "before" is kept with the state from
    // the car's last tick, so a tick of a kept state that changes nothing writes that JSON once and parses none.
    private DeriveStep TickOrNothing(Loaded loaded, long nowMs, DeriveContext context)
    {
        CarDerivation car = loaded.Car;
        long lastTick = car.LastTickMs;
        byte[] before = loaded.Ticked ?? DeriveJson.WriteTicked(car);
        DeriveStep step = _deriver.Tick(car, nowMs, context);
        byte[] after = DeriveJson.WriteTicked(car);
        step.Unchanged = step.Events.Count == 0 && step.Trips.Count == 0 && step.Stops.Count == 0
            && before.AsSpan().SequenceEqual(after);
        if (step.Unchanged)
        {
            // Not written: the state in memory goes back to what is stored, so it can be kept.
            car.LastTickMs = lastTick;
        }

        loaded.Ticked = after;
        return step;
    }

    private async Task<DeriveStep> CommitLoopAsync(string carId, Func<Loaded, DeriveContext, Task<DeriveStep>> run, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            Loaded loaded = attempt == 0 ? await LoadAsync(carId, cancellationToken).ConfigureAwait(false) : await ReadAsync(carId, cancellationToken).ConfigureAwait(false);
            CarDerivation car = loaded.Car;
            DeriveContext context = await _contexts.GetContextAsync(carId, cancellationToken).ConfigureAwait(false);
            long? watermarkRead = car.WatermarkTs;
            DeriveStep step = await run(loaded, context).ConfigureAwait(false);
            if (step.Unchanged)
            {
                Keep(loaded);
                return step;
            }

            TripWrites? trips = _trips is null ? null : TripWritesOf(car, watermarkRead, step, _tripsCommitted is not null);
            if (trips is not null && _tripsCommitted is null)
            {
                await _trips!.ApplyAsync(car.CarId, trips.DecidedFrom, trips.Trips, trips.Stops, cancellationToken).ConfigureAwait(false);
            }

            List<EventKey> withdrawals = [];
            IReadOnlyList<FleetEvent> writes = step.Events;
            if (step.RewoundFrom is { } from)
            {
                // A replay emits again what it had emitted before: only what changed is written, and what it no longer
                // emits is withdrawn.
                Dictionary<EventKey, FleetEvent> earlier = (await _events.GetDecidedSinceAsync(carId, from, cancellationToken).ConfigureAwait(false))
                    .ToDictionary(e => e.Key);
                withdrawals.AddRange(earlier.Values.Where(e => !EventTypeNames.FollowsArrival(e.Type) && !step.Emitted(e.Key)).Select(e => e.Key));
                writes = step.Events.Where(e => !earlier.TryGetValue(e.Key, out FleetEvent? stored) || stored != e).ToList();
            }

            bool won = _tripsCommitted is { } committing
                ? await committing.TryCommitAsync(car, writes, withdrawals, _trips!, trips, cancellationToken).ConfigureAwait(false)
                : await _states.TryCommitAsync(car, writes, withdrawals, cancellationToken).ConfigureAwait(false);
            if (won)
            {
                // The committed state is the stored one (its version bumped by the commit, which checked it): kept for the
                // car's next step.
                loaded.CheckedAt = Clock.GetTimestamp();
                Keep(loaded);
                step.Withdrawn = withdrawals;
                if (Committed is { } committed && (step.Events.Count > 0 || withdrawals.Count > 0))
                {
                    await committed(step, cancellationToken).ConfigureAwait(false);
                }

                return step;
            }
        }

        throw new DeriveConflictException(carId, MaxAttempts);
    }

    // The car's state as its last step left it, when the stored version is still that one (read at most every
    // KeptCheckEvery; the commit checks it too); otherwise read. A kept state is taken out while a step uses it and put back
    // only once the step is stored (or changed nothing), so a step that fails, or loses its commit, leaves nothing behind in
    // memory, and two steps of one car never share one. Only with a store that tells the version cheaply (SQLite); the
    // version read is a key lookup, the state it saves is JSON.
    private async Task<Loaded> LoadAsync(string carId, CancellationToken cancellationToken)
    {
        if (_versions is not null && _kept.TryRemove(carId, out Loaded? kept))
        {
            long now = Clock.GetTimestamp();
            if (Clock.GetElapsedTime(kept.CheckedAt, now) < KeptCheckEvery)
            {
                return kept;
            }

            if (await _versions.GetVersionAsync(carId, cancellationToken).ConfigureAwait(false) == kept.Car.Version)
            {
                kept.CheckedAt = now;
                return kept;
            }
        }

        return await ReadAsync(carId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Loaded> ReadAsync(string carId, CancellationToken cancellationToken)
    {
        long now = Clock.GetTimestamp();
        return new(await _states.GetAsync(carId, cancellationToken).ConfigureAwait(false) ?? CarDerivation.New(carId)) { CheckedAt = now };
    }

    private void Keep(Loaded loaded)
    {
        if (_versions is not null)
        {
            _kept[loaded.Car.CarId] = loaded;
        }
    }

    /// <summary>A car's state in memory, and what a tick compares of it (<see cref="DeriveJson.WriteTicked"/>) when known.</summary>
    private sealed class Loaded(CarDerivation car)
    {
        public CarDerivation Car { get; } = car;

        /// <summary>When <see cref="Car"/>'s version was last known to be the stored one (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long CheckedAt { get; set; }

        /// <summary><see cref="DeriveJson.WriteTicked"/> of <see cref="Car"/> as it is now, or null when not known.</summary>
        public byte[]? Ticked { get; set; }

        /// <summary>The state, for a step that changes it: what a tick compares is no longer known.</summary>
        public CarDerivation Changing()
        {
            Ticked = null;
            return Car;
        }
    }

    // Without a committing store (memory), trips and stops go before the state (README.md, "Trips, stops and the
    // odometer"): a step that then loses its commit or dies is redone from the same state and writes the same rows. What
    // a replay, or a step redone, no longer finds is deleted: on a rewind, everything decided from the checkpoint on;
    // going forward, anything decided after the watermark read (only a lost or dead attempt can have written that). With
    // a committing store (DynamoDB; SQLite, in the state's transaction) the rows ride on the commit, so a lost attempt
    // writes none and a dead one's are finished by the next reader (SQLite: rolled back): going forward there is nothing
    // to delete, and the step skips the query for it.
    private static TripWrites? TripWritesOf(CarDerivation car, long? watermarkRead, DeriveStep step, bool committed)
    {
        long decidedFrom = step.RewoundFrom
            ?? (step.Applied == 0 || committed ? long.MaxValue : watermarkRead is { } w ? w + 1 : long.MinValue);
        List<Processors.Trips.Stop> stops = [.. step.Stops];
        if (step.RewoundFrom is not null && car.States.Trips.Stop is { } standing && !stops.Any(s => s.StartTs == standing.StartTs))
        {
            // The stop the replay ends in was decided before the checkpoint: written again so it is not taken for stale.
            stops.Add(standing);
        }

        return step.Trips.Count == 0 && stops.Count == 0 && decidedFrom == long.MaxValue
            ? null
            : new TripWrites(decidedFrom, step.Trips, stops);
    }
}
