using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>The Derive service over <see cref="MemoryDerive"/>: deliver batches as ingest would store them, tick the clock.</summary>
internal sealed class Rig
{
    /// <summary>Creates the rig.</summary>
    /// <param name="options">The engine's options.</param>
    /// <param name="keepStates">
    /// True to give the service a store that tells versions (<see cref="IDerivationVersions"/>), as SQLite does, so it keeps
    /// each car's state in memory between steps; false to read every step's state back from its JSON.
    /// </param>
    /// <param name="clock">The clock the service checks kept states' versions on; the system's when null.</param>
    public Rig(DeriveOptions? options = null, bool keepStates = false, TimeProvider? clock = null)
    {
        Store = new MemoryDerive();
        Trips = new MemoryTrips();
        Versions = keepStates ? new VersionedStates(Store) : null;
        Service = new DeriveService(new CarDeriver(options ?? DeriveOptions.Default), (IDerivationStore?)Versions ?? Store, Store, Store, Store, Trips)
        {
            Clock = clock ?? TimeProvider.System,
        };
    }

    public MemoryDerive Store { get; }

    /// <summary>The store the service reads states through when it keeps them, or null.</summary>
    public VersionedStates? Versions { get; }

    /// <summary>Trips and stops as stored (issue 17).</summary>
    public MemoryTrips Trips { get; }

    public DeriveService Service { get; }

    public IReadOnlyList<FleetEvent> Events => Store.Active;

    /// <summary>Stores a batch and derives from what was newly stored (ingest hands over only those).</summary>
    public DeriveStep Deliver(params Observation[] batch) => Deliver((IEnumerable<Observation>)batch);

    public DeriveStep Deliver(IEnumerable<Observation> batch)
    {
        Observation[] all = batch.ToArray();
        Store.Store(all);

        // A re-delivery is handed over too: the engine must cope with seeing what it has already seen.
        return Service.DeriveAsync(Drive.Car, all, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>One message per observation, in the order given.</summary>
    public void DeliverEach(IEnumerable<Observation> observations)
    {
        foreach (Observation o in observations)
        {
            Deliver(o);
        }
    }

    /// <summary>The car's state as stored (read back from its JSON), or null.</summary>
    public CarDerivation? State => Store.GetAsync(Drive.Car, CancellationToken.None).GetAwaiter().GetResult();

    public DeriveStep Tick(long nowMs) => Service.TickAsync(Drive.Car, nowMs, CancellationToken.None).GetAwaiter().GetResult();

    public IReadOnlyList<FleetEvent> Of(EventType type) => Events.Where(e => e.Type == type).ToList();
}
