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

    /// <summary>Creates the service.</summary>
    /// <param name="deriver">The engine.</param>
    /// <param name="states">Car states and event writes.</param>
    /// <param name="events">Event reads.</param>
    /// <param name="observations">Stored fixes and statuses.</param>
    /// <param name="contexts">Zones, rentals, limits.</param>
    public DeriveService(CarDeriver deriver, IDerivationStore states, IEventStore events, IObservationSource observations, IDeriveContextSource contexts)
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
    }

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
        return CommitLoopAsync(carId, async (car, context) =>
        {
            // Forward from the watermark too, the fold reads what is stored rather than trusting the message alone: a
            // step that failed after ingest stored its fixes is made good by the next one.
            DerivePlan plan = _deriver.Plan(car, incoming);
            long from = plan.RewindTo ?? car.WatermarkTs ?? long.MinValue;
            IReadOnlyList<Observation> history = await _observations.ReadFromAsync(carId, from, cancellationToken).ConfigureAwait(false);
            return _deriver.Run(car, incoming, plan, history, context);
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
        return CommitLoopAsync(carId, (car, context) => Task.FromResult(_deriver.Tick(car, nowMs, context)), cancellationToken);
    }

    private async Task<DeriveStep> CommitLoopAsync(string carId, Func<CarDerivation, DeriveContext, Task<DeriveStep>> run, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            CarDerivation car = await _states.GetAsync(carId, cancellationToken).ConfigureAwait(false) ?? CarDerivation.New(carId);
            DeriveContext context = await _contexts.GetContextAsync(carId, cancellationToken).ConfigureAwait(false);
            DeriveStep step = await run(car, context).ConfigureAwait(false);
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

            if (await _states.TryCommitAsync(car, writes, withdrawals, cancellationToken).ConfigureAwait(false))
            {
                step.Withdrawn = withdrawals;
                return step;
            }
        }

        throw new DeriveConflictException(carId, MaxAttempts);
    }
}
