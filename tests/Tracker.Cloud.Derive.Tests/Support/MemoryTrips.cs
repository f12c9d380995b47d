using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>The trips port in memory, with the semantics of the SQLite adapter (delete what was decided again and not found, upsert on start).</summary>
internal sealed class MemoryTrips : ITripStore
{
    private readonly SortedDictionary<(string, long), Trip> _trips = [];
    private readonly SortedDictionary<(string, long), Stop> _stops = [];

    public IReadOnlyList<Trip> Trips => [.. _trips.Values];

    public IReadOnlyList<Stop> Stops => [.. _stops.Values];

    public int Writes { get; private set; }

    public Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken)
    {
        Writes++;
        HashSet<long> tripStarts = [.. trips.Select(t => t.StartTs)];
        HashSet<long> stopStarts = [.. stops.Select(s => s.StartTs)];
        foreach (var key in _trips.Where(kv => kv.Key.Item1 == carId && kv.Value.DecidedTs >= decidedFrom && !tripStarts.Contains(kv.Key.Item2)).Select(kv => kv.Key).ToList())
        {
            _trips.Remove(key);
        }

        foreach (var key in _stops.Where(kv => kv.Key.Item1 == carId && kv.Value.DecidedTs >= decidedFrom && !stopStarts.Contains(kv.Key.Item2)).Select(kv => kv.Key).ToList())
        {
            _stops.Remove(key);
        }

        foreach (Trip t in trips)
        {
            _trips[(carId, t.StartTs)] = t;
        }

        foreach (Stop s in stops)
        {
            _stops[(carId, s.StartTs)] = s;
        }

        return Task.CompletedTask;
    }

    public Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        long? after = SpanCursor.Read("trips", query);
        List<Trip> items = _trips.Values.Where(t => t.CarId == query.CarId && t.StartTs >= query.FromMs && t.StartTs < query.ToMs && (after is null || t.StartTs > after))
            .Take(query.Limit + 1).ToList();
        string? next = items.Count > query.Limit ? SpanCursor.Write("trips", query, items[query.Limit - 1].StartTs) : null;
        return Task.FromResult(new Page<Trip>(items.Take(query.Limit).ToList(), next));
    }

    public Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        long? after = SpanCursor.Read("stops", query);
        List<Stop> items = _stops.Values.Where(s => s.CarId == query.CarId && s.StartTs < query.ToMs && (s.EndTs ?? long.MaxValue) > query.FromMs && (after is null || s.StartTs > after))
            .Take(query.Limit + 1).ToList();
        string? next = items.Count > query.Limit ? SpanCursor.Write("stops", query, items[query.Limit - 1].StartTs) : null;
        return Task.FromResult(new Page<Stop>(items.Take(query.Limit).ToList(), next));
    }

    public Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TripTotals>>(_trips.Values.Where(t => (carId is null || t.CarId == carId) && t.StartTs >= fromMs && t.StartTs < toMs)
            .GroupBy(t => t.CarId)
            .Select(g => new TripTotals(g.Key, g.Count(), g.Sum(t => t.DistanceM), g.Sum(t => t.EstimatedM), g.Sum(t => t.DurationMs), g.Max(t => t.MaxSpeedMmps)))
            .ToList());

    public Task<IReadOnlyDictionary<string, long>> SumIdleAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(_stops.Values.Where(s => (carId is null || s.CarId == carId) && s.StartTs >= fromMs && s.StartTs < toMs && s.IdleMs > 0)
            .GroupBy(s => s.CarId)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.IdleMs), StringComparer.Ordinal));
}
