using System.Globalization;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Reports;

/// <summary>
/// The API's side of issue 17: a car's trips, stops and daily summary, a fleet's daily summary, a rental's summary,
/// a trip's track for export, and the dashboard odometer. The same authorization as the history
/// (<see cref="AccessPolicy"/>): an operator sees every car; a renter sees the car they rent, only while the rental runs,
/// and only inside its window. Bad parameters are values with reasons; storage failures propagate.
/// </summary>
public sealed class TripReports
{
    /// <summary>The longest span a daily summary covers.</summary>
    public const int MaxDays = 92;

    private readonly ITripStore _trips;
    private readonly IEventStore _events;
    private readonly IZoneStore _zones;
    private readonly IRentalStore _rentals;
    private readonly IFixStore _fixes;
    private readonly IOdometerReadingStore _readings;
    private readonly AccessPolicy _policy;

    /// <summary>Creates the service.</summary>
    /// <param name="trips">Trips and stops.</param>
    /// <param name="events">Events (overspeed, fences) for rental summaries.</param>
    /// <param name="zones">Zones (a rental's own).</param>
    /// <param name="rentals">Rentals.</param>
    /// <param name="fixes">Fixes (a trip's track).</param>
    /// <param name="readings">Dashboard odometer readings.</param>
    /// <param name="policy">Who sees what.</param>
    public TripReports(ITripStore trips, IEventStore events, IZoneStore zones, IRentalStore rentals, IFixStore fixes, IOdometerReadingStore readings, AccessPolicy policy)
    {
        _trips = trips ?? throw new ArgumentNullException(nameof(trips));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _zones = zones ?? throw new ArgumentNullException(nameof(zones));
        _rentals = rentals ?? throw new ArgumentNullException(nameof(rentals));
        _fixes = fixes ?? throw new ArgumentNullException(nameof(fixes));
        _readings = readings ?? throw new ArgumentNullException(nameof(readings));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
    }

    /// <summary><c>GET /cars/{carId}/trips?start=&amp;end=&amp;limit=&amp;cursor=</c>: trips starting in the span, oldest first.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="request">The raw parameters.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A page, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<Page<Trip>>> ListTripsAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        (QueryResult<Page<Trip>>? refused, SpanQuery? query, _) = await PrepareAsync<Page<Trip>>(caller, carId, request, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (query is null)
        {
            return QueryResult<Page<Trip>>.Ok(new Page<Trip>([], null));
        }

        try
        {
            return QueryResult<Page<Trip>>.Ok(await _trips.QueryTripsAsync(query, cancellationToken).ConfigureAwait(false));
        }
        catch (ArgumentException)
        {
            return BadCursor<Page<Trip>>();
        }
    }

    /// <summary><c>GET /cars/{carId}/stops?...</c>: stops overlapping the span, oldest first; a renter's clipped to the rental.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="request">The raw parameters.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A page, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<Page<Stop>>> ListStopsAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        (QueryResult<Page<Stop>>? refused, SpanQuery? query, AccessDecision? access) = await PrepareAsync<Page<Stop>>(caller, carId, request, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (query is null)
        {
            return QueryResult<Page<Stop>>.Ok(new Page<Stop>([], null));
        }

        try
        {
            Page<Stop> page = await _trips.QueryStopsAsync(query, cancellationToken).ConfigureAwait(false);
            return QueryResult<Page<Stop>>.Ok(page with { Items = page.Items.Select(s => Clip(s, access!)).ToList() });
        }
        catch (ArgumentException)
        {
            return BadCursor<Page<Stop>>();
        }
    }

    /// <summary>
    /// Every trip of the period, for an export (<c>format=csv|gpx|kml</c> without <c>limit</c>): the same authorization and
    /// span as <see cref="ListTripsAsync"/>, read from the store <see cref="ExportPageSize"/> at a time as the caller
    /// consumes them, so a caller that stops early (an export's ceiling) reads no more.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="request">The raw parameters; limit and cursor are ignored.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The trips, oldest first, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<IAsyncEnumerable<Trip>>> AllTripsAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (QueryResult<IAsyncEnumerable<Trip>>? refused, SpanQuery? query, _) =
            await PrepareAsync<IAsyncEnumerable<Trip>>(caller, carId, request with { Limit = null, Cursor = null }, cancellationToken).ConfigureAwait(false);
        return refused ?? QueryResult<IAsyncEnumerable<Trip>>.Ok(query is null ? Empty<Trip>() : Pages(query, _trips.QueryTripsAsync, t => t));
    }

    /// <summary>Every stop of the period, for an export: as <see cref="ListStopsAsync"/> (a renter's clipped to the rental), paged underneath.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="request">The raw parameters; limit and cursor are ignored.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The stops, oldest first, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<IAsyncEnumerable<Stop>>> AllStopsAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (QueryResult<IAsyncEnumerable<Stop>>? refused, SpanQuery? query, AccessDecision? access) =
            await PrepareAsync<IAsyncEnumerable<Stop>>(caller, carId, request with { Limit = null, Cursor = null }, cancellationToken).ConfigureAwait(false);
        return refused ?? QueryResult<IAsyncEnumerable<Stop>>.Ok(query is null ? Empty<Stop>() : Pages(query, _trips.QueryStopsAsync, s => Clip(s, access!)));
    }

    /// <summary>Every trip of the period with its fixes (GPX, KML): the trips as <see cref="AllTripsAsync"/>, each one's fixes as <see cref="TrackAsync"/>.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="request">The raw parameters; limit and cursor are ignored.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The tracks, oldest first, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<IAsyncEnumerable<TripTrack>>> AllTracksAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (QueryResult<IAsyncEnumerable<TripTrack>>? refused, SpanQuery? query, AccessDecision? access) =
            await PrepareAsync<IAsyncEnumerable<TripTrack>>(caller, carId, request with { Limit = null, Cursor = null }, cancellationToken).ConfigureAwait(false);
        return refused ?? QueryResult<IAsyncEnumerable<TripTrack>>.Ok(query is null ? Empty<TripTrack>() : Tracks(query, access!));
    }

    /// <summary>Trips or stops asked of the store at a time while an export is read.</summary>
    public const int ExportPageSize = 1000;

    private static async IAsyncEnumerable<T> Empty<T>()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    private static async IAsyncEnumerable<TOut> Pages<TIn, TOut>(
        SpanQuery query, Func<SpanQuery, CancellationToken, Task<Page<TIn>>> read, Func<TIn, TOut> map, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            Page<TIn> page = await read(query with { Limit = ExportPageSize, Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            foreach (TIn item in page.Items)
            {
                yield return map(item);
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private async IAsyncEnumerable<TripTrack> Tracks(SpanQuery query, AccessDecision access, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (Trip trip in Pages(query, _trips.QueryTripsAsync, t => t, cancellationToken).ConfigureAwait(false))
        {
            yield return new TripTrack(trip, await FixesAsync(query.CarId, trip, access, cancellationToken).ConfigureAwait(false));
        }
    }

    // A trip's fixes, never past the end of what the caller may see (a renter's rental).
    private async Task<List<StoredFix>> FixesAsync(string carId, Trip trip, AccessDecision access, CancellationToken cancellationToken)
    {
        List<StoredFix> fixes = [];
        string? cursor = null;
        do
        {
            FixPage page = await _fixes.QueryAsync(carId, trip.StartTs, Math.Min(trip.EndTs + 1, access.ToTs), 1000, cursor, cancellationToken).ConfigureAwait(false);
            fixes.AddRange(page.Fixes);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return fixes;
    }

    // A renter does not learn when the car was parked before the rental, nor after it.
    private static Stop Clip(Stop s, AccessDecision access) => s with
    {
        StartTs = Math.Max(s.StartTs, access.FromTs),
        EndTs = access.ToTs == long.MaxValue ? s.EndTs : Math.Min(s.EndTs ?? long.MaxValue, access.ToTs),
    };

    /// <summary>
    /// <c>GET /cars/{carId}/daily?start=&amp;end=</c> (one car) or <c>GET /daily?...</c> (operators: the fleet): per car and UTC day
    /// in the span (whole days, at most <see cref="MaxDays"/>), the trips added up, and the idle time of the stops that
    /// start that day. Days with neither are absent.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The car, or null for the fleet.</param>
    /// <param name="request">The raw parameters (limit and cursor unused).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The days, by day then car, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<IReadOnlyList<DaySummary>>> DailyAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        AccessDecision access = AccessDecision.Everything;
        if (carId is null)
        {
            if (!caller.IsOperator)
            {
                return QueryResult<IReadOnlyList<DaySummary>>.Fail(QueryStatus.Forbidden, "the fleet's summary is for fleet operators");
            }
        }
        else
        {
            if (!UplinkTopics.IsValidThingName(carId))
            {
                return QueryResult<IReadOnlyList<DaySummary>>.Invalid([CarIdError]);
            }

            access = await _policy.AuthorizeCarAsync(caller, carId, cancellationToken).ConfigureAwait(false);
        }

        HistoryParameters.TryParse(request with { Limit = null, Cursor = null }, out HistoryParameters? parameters, out IReadOnlyList<ParameterError> errors);
        if (parameters is null)
        {
            return QueryResult<IReadOnlyList<DaySummary>>.Invalid(errors);
        }

        long day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
        long first = Math.DivRem(parameters.StartMs, day, out long rest) * day - (rest < 0 ? day : 0);
        long days = (parameters.EndMs - first + day - 1) / day;
        if (days > MaxDays)
        {
            return QueryResult<IReadOnlyList<DaySummary>>.Invalid([new ParameterError("end", "a daily summary covers at most " + MaxDays + " days")]);
        }

        if (!access.IsAllowed)
        {
            return QueryResult<IReadOnlyList<DaySummary>>.Fail(Map(access.Outcome), access.Detail);
        }

        List<DaySummary> summary = [];
        for (long d = first; d < parameters.EndMs; d += day)
        {
            long from = Math.Max(d, access.FromTs);
            long to = Math.Min(d + day, access.ToTs);
            if (from >= to)
            {
                continue;
            }

            string name = DateTimeOffset.FromUnixTimeMilliseconds(d).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            IReadOnlyDictionary<string, long> idle = await _trips.SumIdleAsync(carId, from, to, cancellationToken).ConfigureAwait(false);
            List<DaySummary> cars = [];
            foreach (TripTotals t in await _trips.SumTripsAsync(carId, from, to, cancellationToken).ConfigureAwait(false))
            {
                cars.Add(new DaySummary(t.CarId, name, d, t.Trips, Math.Round(t.DistanceM, 1), Math.Round(t.EstimatedM, 1), t.DrivingMs, t.MaxSpeedMmps, idle.GetValueOrDefault(t.CarId)));
            }

            // A day the car only idled (the engine ran, it never drove) is a day of the summary too.
            foreach ((string car, long ms) in idle)
            {
                if (ms > 0 && !cars.Exists(x => x.CarId == car))
                {
                    cars.Add(new DaySummary(car, name, d, 0, 0, 0, 0, 0, ms));
                }
            }

            summary.AddRange(cars.OrderBy(x => x.CarId, StringComparer.Ordinal));
        }

        return QueryResult<IReadOnlyList<DaySummary>>.Ok(summary);
    }

    /// <summary><c>GET /rentals/{rentalId}/summary</c>: what the rental's bill is made from. Operators, and the rental's own renter (at any time).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="rentalId">The rental's id (<c>{car}/{renter}/{start ms}</c>, URL-decoded).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The summary, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<RentalSummary>> RentalSummaryAsync(Identity caller, string? rentalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        int slash = rentalId?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (rentalId is null || rentalId.Length > 400 || slash <= 0 || !UplinkTopics.IsValidThingName(rentalId[..slash]))
        {
            return QueryResult<RentalSummary>.Invalid([new ParameterError("rentalId", "must be a rental id: {carId}/{renter}/{start ms}")]);
        }

        if (!caller.IsOperator && !caller.IsRenter)
        {
            return QueryResult<RentalSummary>.Fail(QueryStatus.Forbidden, "the caller has neither the operator nor the renter role");
        }

        string carId = rentalId[..slash];
        Rental? rental = (await _rentals.GetForCarAsync(carId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => RentalIds.Of(r) == rentalId);
        if (rental is null || (!caller.IsOperator && rental.Renter != caller.UserId))
        {
            // A renter learns nothing of other people's rentals: the same answer as for none.
            return QueryResult<RentalSummary>.Fail(QueryStatus.NotFound, "no such rental");
        }

        int trips = 0;
        double distance = 0;
        double estimated = 0;
        long driving = 0;
        int maxSpeed = 0;
        string? cursor = null;
        do
        {
            Page<Trip> page = await _trips.QueryTripsAsync(new SpanQuery(carId, rental.FromMs, rental.ToMs, 1000, cursor), cancellationToken).ConfigureAwait(false);
            foreach (Trip t in page.Items)
            {
                trips++;
                distance += t.DistanceM;
                estimated += t.EstimatedM;
                driving += t.DurationMs;
                maxSpeed = Math.Max(maxSpeed, t.MaxSpeedMmps);
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        List<FleetEvent> events = [];
        string? eventCursor = null;
        do
        {
            EventPage page = await _events.QueryAsync(
                new EventQuery(carId, [EventType.Overspeed, EventType.GeofenceEnter, EventType.GeofenceExit, EventType.RentalStarted, EventType.RentalEnded], rental.FromMs, rental.ToMs + 1, 1000, eventCursor),
                cancellationToken).ConfigureAwait(false);
            events.AddRange(page.Events.Select(e => e.Event));
            eventCursor = page.NextCursor;
        }
        while (eventCursor is not null);

        string id = RentalIds.Of(rental);
        HashSet<string> ownZones = [.. (await _zones.ListZonesAsync(cancellationToken).ConfigureAwait(false)).Where(z => z.Scope == ZoneScope.Rental && z.RentalId == id).Select(z => z.Id)];
        FleetEvent? started = events.FirstOrDefault(e => e.Type == EventType.RentalStarted && e.Subject == id);
        FleetEvent? ended = events.FirstOrDefault(e => e.Type == EventType.RentalEnded && e.Subject == id);
        return QueryResult<RentalSummary>.Ok(new RentalSummary(
            id,
            carId,
            rental.Renter,
            rental.FromMs,
            rental.ToMs,
            trips,
            Math.Round(distance, 1),
            Math.Round(estimated, 1),
            driving,
            maxSpeed,
            events.Count(e => e.Type == EventType.Overspeed && e.EpisodeStartMs < rental.ToMs),
            ownZones.Count == 0 ? null : OutsideMs(events, ownZones, rental),
            started?.OdometerM,
            ended?.OdometerM,
            started?.LatE7,
            started?.LonE7,
            ended?.LatE7,
            ended?.LonE7));
    }

    /// <summary>A trip and its fixes, for a map or an export (<c>GET /cars/{carId}/trips/{startTs}</c>).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="startTs">The trip's start, unparsed.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The trip and its fixes, oldest first, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<TripTrack>> TrackAsync(Identity caller, string? carId, string? startTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!UplinkTopics.IsValidThingName(carId))
        {
            return QueryResult<TripTrack>.Invalid([CarIdError]);
        }

        if (startTs is null || startTs.Length is 0 or > 19 || !long.TryParse(startTs, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
        {
            return QueryResult<TripTrack>.Invalid([new ParameterError("startTs", "must be the trip's start in UTC epoch milliseconds")]);
        }

        AccessDecision access = await _policy.AuthorizeCarAsync(caller, carId!, cancellationToken).ConfigureAwait(false);
        if (!access.IsAllowed)
        {
            return QueryResult<TripTrack>.Fail(Map(access.Outcome), access.Detail);
        }

        Page<Trip> found = await _trips.QueryTripsAsync(new SpanQuery(carId!, start, start + 1, 1, null), cancellationToken).ConfigureAwait(false);
        if (found.Items.Count == 0 || !access.Covers(start))
        {
            return QueryResult<TripTrack>.Fail(QueryStatus.NotFound, "no such trip");
        }

        Trip trip = found.Items[0];
        return QueryResult<TripTrack>.Ok(new TripTrack(trip, await FixesAsync(carId!, trip, access, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary><c>PUT /cars/{carId}/odometer</c>: an operator sets the odometer to the dashboard reading at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The path's car, unvalidated.</param>
    /// <param name="valueM">The reading, m.</param>
    /// <param name="atMs">When it was read, UTC epoch ms.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The reading kept, or bad request / forbidden.</returns>
    public async Task<QueryResult<OdometerReading>> SetOdometerAsync(Identity caller, string? carId, double valueM, long atMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<OdometerReading>.Fail(QueryStatus.Forbidden, "the odometer is set by fleet operators");
        }

        List<ParameterError> errors = [];
        if (!UplinkTopics.IsValidThingName(carId))
        {
            errors.Add(CarIdError);
        }

        if (!double.IsFinite(valueM) || valueM < 0 || valueM > 10_000_000_000)
        {
            errors.Add(new ParameterError("valueM", "must be a number of metres from 0 to 10,000,000,000"));
        }

        if (atMs <= 0)
        {
            errors.Add(new ParameterError("at", "must be a time after 1970"));
        }

        if (errors.Count > 0)
        {
            return QueryResult<OdometerReading>.Invalid(errors);
        }

        var reading = new OdometerReading(carId!, atMs, valueM, caller.UserId);
        await _readings.PutReadingAsync(reading, cancellationToken).ConfigureAwait(false);
        return QueryResult<OdometerReading>.Ok(reading);
    }

    private static ParameterError CarIdError => new("carId", "must be 1 to 128 characters of a-z A-Z 0-9 : _ - (an AWS IoT thing name)");

    private static long OutsideMs(List<FleetEvent> events, HashSet<string> zones, Rental rental)
    {
        long outside = 0;
        long? leftAt = null;
        foreach (FleetEvent e in events.Where(e => zones.Contains(e.Subject) && e.Type is EventType.GeofenceExit or EventType.GeofenceEnter).OrderBy(e => e.EpisodeStartMs))
        {
            if (e.Type == EventType.GeofenceExit)
            {
                leftAt ??= Math.Max(e.EpisodeStartMs, rental.FromMs);
            }
            else if (leftAt is { } from)
            {
                outside += Math.Min(e.EpisodeStartMs, rental.ToMs) - from;
                leftAt = null;
            }
        }

        return leftAt is { } open ? outside + (rental.ToMs - open) : outside;
    }

    private static QueryResult<T> BadCursor<T>() =>
        QueryResult<T>.Invalid([new ParameterError("cursor", "is not a cursor of this query: pass the nextCursor of the previous page with the same carId, start and end")]);

    private static QueryStatus Map(AccessOutcome outcome) => outcome == AccessOutcome.NotFound ? QueryStatus.NotFound : QueryStatus.Forbidden;

    private async Task<(QueryResult<T>? Refused, SpanQuery? Query, AccessDecision? Access)> PrepareAsync<T>(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        List<ParameterError> errors = [];
        if (!UplinkTopics.IsValidThingName(carId))
        {
            errors.Add(CarIdError);
        }

        HistoryParameters.TryParse(request, out HistoryParameters? parameters, out IReadOnlyList<ParameterError> parameterErrors);
        errors.AddRange(parameterErrors);
        if (errors.Count > 0 || parameters is null)
        {
            return (QueryResult<T>.Invalid(errors), null, null);
        }

        AccessDecision access = await _policy.AuthorizeCarAsync(caller, carId!, cancellationToken).ConfigureAwait(false);
        if (!access.IsAllowed)
        {
            return (QueryResult<T>.Fail(Map(access.Outcome), access.Detail), null, null);
        }

        long from = Math.Max(parameters.StartMs, access.FromTs);
        long to = Math.Min(parameters.EndMs, access.ToTs);
        return (null, from < to ? new SpanQuery(carId!, from, to, parameters.Limit, parameters.Cursor) : null, access);
    }
}

/// <summary>A trip and its fixes.</summary>
/// <param name="Trip">The trip.</param>
/// <param name="Fixes">Its fixes, oldest first.</param>
public sealed record TripTrack(Trip Trip, IReadOnlyList<StoredFix> Fixes);
