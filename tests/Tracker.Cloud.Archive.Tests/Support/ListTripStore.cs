using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>A fixed list of trips and stops behind the trips port, for the query tests' designed fleet (one page per query).</summary>
public sealed class ListTripStore(IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops) : ITripStore
{
    /// <inheritdoc />
    public Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a fixed list");

    /// <inheritdoc />
    public Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Trip>(trips.Where(t => t.CarId == query.CarId && t.StartTs >= query.FromMs && t.StartTs < query.ToMs).OrderBy(t => t.StartTs).ToList(), null));

    /// <inheritdoc />
    public Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Stop>(stops.Where(s => s.CarId == query.CarId && s.StartTs < query.ToMs && (s.EndTs ?? long.MaxValue) > query.FromMs).OrderBy(s => s.StartTs).ToList(), null));

    /// <inheritdoc />
    public Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TripTotals>>(trips
            .Where(t => (carId is null || t.CarId == carId) && t.StartTs >= fromMs && t.StartTs < toMs)
            .GroupBy(t => t.CarId)
            .Select(g => new TripTotals(g.Key, g.Count(), g.Sum(t => t.DistanceM), g.Sum(t => t.EstimatedM), g.Sum(t => t.DurationMs), g.Max(t => t.MaxSpeedMmps)))
            .ToList());
}
