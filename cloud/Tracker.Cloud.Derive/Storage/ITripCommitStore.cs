using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// A state store that commits a step's trips and stops inside the step's conditional commit (README.md, "Trips, stops
/// and the odometer", on AWS): the loser of a race for a car writes none of its rows, so a stale step can neither
/// overwrite nor delete what the winner wrote. <see cref="DeriveService"/> uses it whenever the state store
/// <see cref="CanCommit"/> the trips store it was given, and otherwise writes the rows before the commit.
/// </summary>
public interface ITripCommitStore : IDerivationStore
{
    /// <summary>Whether this store can commit rows of <paramref name="trips"/> with the state.</summary>
    /// <param name="trips">The trips store.</param>
    /// <returns>True when <see cref="TryCommitAsync(CarDerivation, IReadOnlyList{FleetEvent}, IReadOnlyList{EventKey}, ITripStore, TripWrites?, CancellationToken)"/> takes it.</returns>
    bool CanCommit(ITripStore trips);

    /// <summary>
    /// As <see cref="IDerivationStore.TryCommitAsync"/>, and the same commit decides <paramref name="writes"/>: they are
    /// stored if and only if the state is, and never undo what a later committed step stored.
    /// </summary>
    /// <param name="car">The new state, carrying the version it was read at.</param>
    /// <param name="events">Events to upsert.</param>
    /// <param name="withdrawals">Keys of stored events to withdraw.</param>
    /// <param name="trips">Where the rows go (<see cref="CanCommit"/> was true for it).</param>
    /// <param name="writes">The step's trips and stops, or null for none.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when another writer got there first (nothing visible was written): read again and redo the step.</returns>
    Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, ITripStore trips, TripWrites? writes, CancellationToken cancellationToken);
}

/// <summary>A step's trips and stops, as <see cref="ITripStore.ApplyAsync"/> takes them.</summary>
/// <param name="DecidedFrom">Fix time from which the step decided everything again (<see cref="long.MaxValue"/>: delete nothing).</param>
/// <param name="Trips">Trips to upsert on (car, start).</param>
/// <param name="Stops">Stops to upsert on (car, start).</param>
public sealed record TripWrites(long DecidedFrom, IReadOnlyList<Trip> Trips, IReadOnlyList<Stop> Stops);
