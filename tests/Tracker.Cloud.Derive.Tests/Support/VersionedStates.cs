using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>
/// <see cref="MemoryDerive"/>'s states behind <see cref="IDerivationVersions"/>, as the SQLite store offers it, counting
/// the reads: with it the service keeps each car's state in memory and reads it back only when the version moved.
/// </summary>
internal sealed class VersionedStates(MemoryDerive store) : IDerivationStore, IDerivationVersions
{
    /// <summary>States read (and parsed) from the store.</summary>
    public int StateReads { get; private set; }

    /// <summary>Versions read.</summary>
    public int VersionReads { get; private set; }

    public Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
    {
        StateReads++;
        return store.GetAsync(carId, cancellationToken);
    }

    public async Task<long> GetVersionAsync(string carId, CancellationToken cancellationToken)
    {
        VersionReads++;
        return (await store.GetAsync(carId, cancellationToken).ConfigureAwait(false))?.Version ?? 0;
    }

    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken) =>
        store.TryCommitAsync(car, events, withdrawals, cancellationToken);

    public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) => store.ListCarsAsync(cancellationToken);
}
