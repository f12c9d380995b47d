using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// The Derive stage's state port: each car's <see cref="CarDerivation"/> under a version, written together with the
/// events of the step that produced it (README.md, "State that survives a restart, and concurrency"). Adapters: SQLite
/// (one transaction) and DynamoDB (one TransactWriteItems with the state conditioned on the version).
/// </summary>
public interface IDerivationStore
{
    /// <summary>The car's state with its <see cref="CarDerivation.Version"/>, or null for a car never derived.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the state, if the stored version is still <see cref="CarDerivation.Version"/> (none stored for 0), and in
    /// the same atomic step upserts <paramref name="events"/> on their keys (clearing a withdrawal, keeping an
    /// acknowledgement) and withdraws <paramref name="withdrawals"/>. On success the state's version is bumped.
    /// </summary>
    /// <param name="car">The new state, carrying the version it was read at.</param>
    /// <param name="events">Events to upsert.</param>
    /// <param name="withdrawals">Keys of stored events to withdraw.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when another writer got there first (nothing was written): read again and redo the step.</returns>
    Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken);

    /// <summary>Every car that has a state (the clock ticks them).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Car ids.</returns>
    Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken);
}
