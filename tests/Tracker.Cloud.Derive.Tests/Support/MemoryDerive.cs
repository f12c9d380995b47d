using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>
/// The Derive stage's ports in memory, with the same semantics the SQLite and DynamoDB adapters have (conditional
/// commit on the version, upsert on the key keeping an acknowledgement, withdrawal), and the car's stored
/// observations, deduplicated on (ts, kind) as ingest's store does. States are kept as JSON, so every step starts from
/// what a restart would read.
/// </summary>
internal sealed class MemoryDerive : IDerivationStore, IEventStore, IObservationSource, IDeriveContextSource
{
    private readonly Dictionary<string, (long Version, string Json)> _states = [];
    private readonly Dictionary<EventKey, StoredEvent> _events = [];
    private readonly SortedDictionary<(long, int), Observation> _observations = [];

    public List<Zone> Zones { get; } = [];

    public List<Rental> Rentals { get; } = [];

    public SpeedLimits Limits { get; set; } = SpeedLimits.None;

    /// <summary>Dashboard odometer readings (issue 17).</summary>
    public List<Tracker.Cloud.Derive.Processors.Odometer.OdometerReading> OdometerReadings { get; } = [];

    public int Commits { get; private set; }

    /// <summary>Set to make the next commits lose, as if another writer had got there first.</summary>
    public int LoseNextCommits { get; set; }

    public IReadOnlyCollection<StoredEvent> All => _events.Values;

    public IReadOnlyList<FleetEvent> Active => _events.Values.Where(e => !e.Withdrawn).Select(e => e.Event).OrderBy(e => e.EpisodeStartMs).ThenBy(e => e.Type).ToList();

    /// <summary>Stores observations as ingest would; returns those newly stored.</summary>
    public IReadOnlyList<Observation> Store(IEnumerable<Observation> observations)
    {
        List<Observation> fresh = [];
        foreach (Observation o in observations)
        {
            if (_observations.TryAdd((o.Ts, o.Order), o))
            {
                fresh.Add(o);
            }
        }

        return fresh;
    }

    public Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
    {
        if (!_states.TryGetValue(carId, out var stored))
        {
            return Task.FromResult<CarDerivation?>(null);
        }

        CarDerivation car = DeriveJson.ReadCar(stored.Json);
        car.Version = stored.Version;
        return Task.FromResult<CarDerivation?>(car);
    }

    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken)
    {
        long stored = _states.TryGetValue(car.CarId, out var s) ? s.Version : 0;
        if (LoseNextCommits > 0)
        {
            LoseNextCommits--;
            _states[car.CarId] = (stored + 1, s.Json ?? DeriveJson.Write(CarDerivation.New(car.CarId)));
            return Task.FromResult(false);
        }

        if (stored != car.Version)
        {
            return Task.FromResult(false);
        }

        car.Version = stored + 1;
        _states[car.CarId] = (car.Version, DeriveJson.Write(car));
        foreach (FleetEvent e in events)
        {
            _events[e.Key] = _events.TryGetValue(e.Key, out StoredEvent? old)
                ? old with { Event = e, Withdrawn = false }
                : new StoredEvent(e, false, null, null);
        }

        foreach (EventKey key in withdrawals)
        {
            if (_events.TryGetValue(key, out StoredEvent? old))
            {
                _events[key] = old with { Withdrawn = true };
            }
        }

        Commits++;
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_states.Keys.ToList());

    public Task<IReadOnlyList<FleetEvent>> GetDecidedSinceAsync(string carId, long decidedTs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FleetEvent>>(_events.Values
            .Where(e => !e.Withdrawn && e.Event.CarId == carId && e.Event.DecidedTs >= decidedTs)
            .Select(e => e.Event).ToList());

    public Task<StoredEvent?> GetAsync(EventKey key, CancellationToken cancellationToken) =>
        Task.FromResult(_events.GetValueOrDefault(key));

    public Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the storage contract tests cover queries");

    public Task<StoredEvent?> AcknowledgeAsync(EventKey key, string by, long atMs, CancellationToken cancellationToken)
    {
        if (!_events.TryGetValue(key, out StoredEvent? e))
        {
            return Task.FromResult<StoredEvent?>(null);
        }

        if (e.AcknowledgedBy is null)
        {
            _events[key] = e = e with { AcknowledgedBy = by, AcknowledgedMs = atMs };
        }

        return Task.FromResult<StoredEvent?>(e);
    }

    public Task<IReadOnlyList<Observation>> ReadFromAsync(string carId, long fromTs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Observation>>(_observations.Values.Where(o => o.Ts >= fromTs).ToList());

    public Task<DeriveContext> GetContextAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult(new DeriveContext(carId, Zones, Rentals, Limits) { OdometerReadings = [.. OdometerReadings] });
}
