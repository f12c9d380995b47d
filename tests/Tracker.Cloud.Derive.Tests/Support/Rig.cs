using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>The Derive service over <see cref="MemoryDerive"/>: deliver batches as ingest would store them, tick the clock.</summary>
internal sealed class Rig
{
    public Rig(DeriveOptions? options = null)
    {
        Store = new MemoryDerive();
        Trips = new MemoryTrips();
        Service = new DeriveService(new CarDeriver(options ?? DeriveOptions.Default), Store, Store, Store, Store, Trips);
    }

    public MemoryDerive Store { get; }

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

    public DeriveStep Tick(long nowMs) => Service.TickAsync(Drive.Car, nowMs, CancellationToken.None).GetAwaiter().GetResult();

    public IReadOnlyList<FleetEvent> Of(EventType type) => Events.Where(e => e.Type == type).ToList();
}
