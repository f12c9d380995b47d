using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// The trips and stops port (issue 17; README.md, "Trips, stops and the odometer"). Written by
/// <see cref="DeriveService"/> for each step, before the step's state is committed, in one atomic write per step: a
/// step that then loses its commit, or dies, is redone from the same state and writes the same rows again.
/// </summary>
public interface ITripStore
{
    /// <summary>
    /// In one atomic write: deletes the car's trips and stops decided at or after <paramref name="decidedFrom"/> (fix
    /// time) whose start is not in <paramref name="trips"/> or <paramref name="stops"/> (a replay no longer finds them),
    /// then upserts <paramref name="trips"/> and <paramref name="stops"/> on (car, start).
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="decidedFrom">Fix time from which the step decided everything again (<see cref="long.MaxValue"/>: delete nothing).</param>
    /// <param name="trips">Trips to write.</param>
    /// <param name="stops">Stops to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken);

    /// <summary>The car's trips starting in [from, to), oldest first, at most the limit, after a cursor.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A page.</returns>
    /// <exception cref="ArgumentException">The cursor is not one issued for this query.</exception>
    Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken);

    /// <summary>The car's stops that overlap [from, to) (an open stop overlaps every later time), oldest first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A page.</returns>
    /// <exception cref="ArgumentException">The cursor is not one issued for this query.</exception>
    Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Per car, the trips starting in [from, to) added up: what a daily summary is made from (one car, or the fleet).
    /// Cars with no trip in the span are absent.
    /// </summary>
    /// <param name="carId">One car, or null for every car.</param>
    /// <param name="fromMs">Start at or after.</param>
    /// <param name="toMs">Start before.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The totals, by car.</returns>
    Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken);

    /// <summary>
    /// Per car, the idle time (<see cref="Stop.IdleMs"/>: ignition on while standing) of the stops starting in [from, to)
    /// added up: the daily summary's idle hours. Cars with none are absent. An adapter that does not keep it yet answers
    /// none (this default), so the summary shows no idle time rather than failing.
    /// </summary>
    /// <param name="carId">One car, or null for every car.</param>
    /// <param name="fromMs">Start at or after.</param>
    /// <param name="toMs">Start before.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Idle ms by car.</returns>
    Task<IReadOnlyDictionary<string, long>> SumIdleAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(StringComparer.Ordinal));
}

/// <summary>A car's trips in a span, added up.</summary>
/// <param name="CarId">The car.</param>
/// <param name="Trips">How many.</param>
/// <param name="DistanceM">Their distance, m.</param>
/// <param name="EstimatedM">Of which bridged, m.</param>
/// <param name="DrivingMs">Their duration, ms.</param>
/// <param name="MaxSpeedMmps">The highest speed, mm/s.</param>
public sealed record TripTotals(string CarId, int Trips, double DistanceM, double EstimatedM, long DrivingMs, int MaxSpeedMmps);

/// <summary>A car's items in a time span, paged.</summary>
/// <param name="CarId">The car.</param>
/// <param name="FromMs">From, UTC epoch ms.</param>
/// <param name="ToMs">To (exclusive).</param>
/// <param name="Limit">Page size, 1 to 1,000.</param>
/// <param name="Cursor">From a previous page, or null.</param>
public sealed record SpanQuery(string CarId, long FromMs, long ToMs, int Limit, string? Cursor);

/// <summary>A page.</summary>
/// <typeparam name="T">The item.</typeparam>
/// <param name="Items">Oldest first.</param>
/// <param name="NextCursor">For the next page, or null on the last.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
