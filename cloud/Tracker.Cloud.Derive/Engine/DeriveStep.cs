using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>What one step of the engine did for one car: the events to write, and whether it rewound.</summary>
public sealed class DeriveStep
{
    private readonly Dictionary<EventKey, int> _index = [];
    private readonly List<FleetEvent> _events = [];
    private readonly SortedDictionary<long, Processors.Trips.Trip> _trips = [];
    private readonly SortedDictionary<long, Processors.Trips.Stop> _stops = [];

    /// <summary>Events emitted, each key once with its last version, in the order first emitted.</summary>
    public IReadOnlyList<FleetEvent> Events => _events;

    /// <summary>
    /// When the step replayed from a checkpoint: its fix time. Events stored earlier for the car, of fix-time types,
    /// decided at or after it (<see cref="FleetEvent.DecidedTs"/>) and not in <see cref="Events"/>, are withdrawn.
    /// </summary>
    public long? RewoundFrom { get; internal set; }

    /// <summary>Keys the service withdrew when it committed the step (README.md, "Revise, never duplicate").</summary>
    public IReadOnlyList<EventKey> Withdrawn { get; internal set; } = [];

    /// <summary>
    /// A tick that changed nothing but the car's clock (<see cref="CarDerivation.LastTickMs"/>): no event, trip or stop,
    /// and the state otherwise as it was. The service writes nothing for it.
    /// </summary>
    public bool Unchanged { get; internal set; }

    /// <summary>Observations applied (replayed ones included).</summary>
    public int Applied { get; internal set; }

    /// <summary>Incoming observations already applied (a re-delivery), skipped.</summary>
    public int Duplicates { get; internal set; }

    /// <summary>Incoming observations older than the oldest checkpoint, skipped (README.md, "Horizon").</summary>
    public int BeyondHorizon { get; internal set; }

    /// <summary>Trips emitted (issue 17), each start once with its last version, by start.</summary>
    public IReadOnlyList<Processors.Trips.Trip> Trips => _trips.Values.ToList();

    /// <summary>Stops emitted (issue 17), each start once with its last version, by start.</summary>
    public IReadOnlyList<Processors.Trips.Stop> Stops => _stops.Values.ToList();

    /// <summary>True when <paramref name="key"/> was emitted in this step.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when emitted.</returns>
    public bool Emitted(EventKey key) => _index.ContainsKey(key);

    internal void AddTrip(Processors.Trips.Trip trip) => _trips[trip.StartTs] = trip;

    internal void AddStop(Processors.Trips.Stop stop) => _stops[stop.StartTs] = stop;

    internal void Add(FleetEvent e)
    {
        if (_index.TryGetValue(e.Key, out int at))
        {
            _events[at] = e;
        }
        else
        {
            _index[e.Key] = _events.Count;
            _events.Add(e);
        }
    }
}
