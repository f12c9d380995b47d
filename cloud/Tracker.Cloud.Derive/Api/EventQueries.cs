using System.Globalization;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Api;

/// <summary>
/// The API's side of the Derive stage: list and acknowledge events, list and edit zones. Operators only: renters see
/// none of the fleet's events or zones (issue 16), and get forbidden. Bad parameters and malformed zones are values with
/// a reason; storage failures propagate.
/// </summary>
public sealed class EventQueries
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    private readonly IEventStore _events;
    private readonly IZoneStore _zones;
    private readonly TimeProvider _clock;

    /// <summary>Creates the service.</summary>
    /// <param name="events">The events.</param>
    /// <param name="zones">The zones.</param>
    /// <param name="clock">When acknowledgements happen.</param>
    public EventQueries(IEventStore events, IZoneStore zones, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(clock);
        _events = events;
        _zones = zones;
        _clock = clock;
    }

    /// <summary>One page of events, newest first.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The parameters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, or bad request / forbidden.</returns>
    public async Task<QueryResult<EventPage>> ListAsync(Identity caller, EventListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.IsOperator)
        {
            return QueryResult<EventPage>.Fail(QueryStatus.Forbidden, "events are for fleet operators");
        }

        if (!TryParse(request, out EventQuery? query, out List<ParameterError> errors))
        {
            return QueryResult<EventPage>.Invalid(errors);
        }

        try
        {
            return QueryResult<EventPage>.Ok(await _events.QueryAsync(query!, cancellationToken).ConfigureAwait(false));
        }
        catch (ArgumentException)
        {
            return QueryResult<EventPage>.Invalid([new ParameterError("cursor", "is not one this API issued for this query")]);
        }
    }

    /// <summary>Acknowledges an event (the first acknowledgement stands).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="carId">The car.</param>
    /// <param name="eventId">The event's id (<see cref="EventKey.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The event as stored, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<StoredEvent>> AcknowledgeAsync(Identity caller, string carId, string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<StoredEvent>.Fail(QueryStatus.Forbidden, "events are for fleet operators");
        }

        if (!EventKey.TryParseId(carId, eventId, out EventKey key))
        {
            return QueryResult<StoredEvent>.Invalid([new ParameterError("eventId", "is not an event id ({episode start, 20 digits}#{type}#{subject})")]);
        }

        StoredEvent? stored = await _events.AcknowledgeAsync(key, caller.UserId, _clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        return stored is null ? QueryResult<StoredEvent>.Fail(QueryStatus.NotFound, "no such event") : QueryResult<StoredEvent>.Ok(stored);
    }

    /// <summary>Every zone.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The zones, or forbidden.</returns>
    public async Task<QueryResult<IReadOnlyList<Zone>>> ListZonesAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsOperator
            ? QueryResult<IReadOnlyList<Zone>>.Ok(await _zones.ListZonesAsync(cancellationToken).ConfigureAwait(false))
            : QueryResult<IReadOnlyList<Zone>>.Fail(QueryStatus.Forbidden, "zones are for fleet operators");
    }

    /// <summary>Creates or replaces a zone from its JSON (<see cref="ZoneParser"/>).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="zoneId">The path's id.</param>
    /// <param name="json">The body.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The zone stored, or bad request (with the reason) / forbidden.</returns>
    public async Task<QueryResult<Zone>> PutZoneAsync(Identity caller, string zoneId, string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<Zone>.Fail(QueryStatus.Forbidden, "zones are for fleet operators");
        }

        if (!ZoneParser.TryParse(zoneId, json, out Zone? zone, out string problem))
        {
            return QueryResult<Zone>.Invalid([new ParameterError("zone", problem)]);
        }

        await _zones.PutZoneAsync(zone!, cancellationToken).ConfigureAwait(false);
        return QueryResult<Zone>.Ok(zone!);
    }

    /// <summary>Deletes a zone.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="zoneId">The id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True, or forbidden / not found.</returns>
    public async Task<QueryResult<bool>> DeleteZoneAsync(Identity caller, string zoneId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<bool>.Fail(QueryStatus.Forbidden, "zones are for fleet operators");
        }

        return string.IsNullOrEmpty(zoneId) || !await _zones.DeleteZoneAsync(zoneId, cancellationToken).ConfigureAwait(false)
            ? QueryResult<bool>.Fail(QueryStatus.NotFound, "no such zone")
            : QueryResult<bool>.Ok(true);
    }

    private static bool TryParse(EventListRequest r, out EventQuery? query, out List<ParameterError> errors)
    {
        errors = [];
        List<EventType> types = [];
        foreach (string name in (r.Types ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (EventTypeNames.TryParse(name, out EventType type))
            {
                types.Add(type);
            }
            else
            {
                errors.Add(new ParameterError("type", "'" + Clip(name) + "' is not an event type (" + string.Join(", ", EventTypeNames.All.Select(EventTypeNames.Name)) + ")"));
            }
        }

        long from = Time(r.Start, "start", 0, errors);
        long to = Time(r.End, "end", long.MaxValue, errors);
        if (errors.Count == 0 && to <= from)
        {
            errors.Add(new ParameterError("end", "must be after start"));
        }

        int limit = DefaultLimit;
        if (r.Limit is not null && (!int.TryParse(r.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            errors.Add(new ParameterError("limit", "must be a whole number from 1 to 1000"));
        }

        bool withdrawn = false;
        if (r.Withdrawn is not null && !bool.TryParse(r.Withdrawn, out withdrawn))
        {
            errors.Add(new ParameterError("withdrawn", "must be true or false"));
        }

        if (r.CarId is { } car && (car.Length is 0 or > 128 || car.Any(char.IsControl)))
        {
            errors.Add(new ParameterError("carId", "must be 1 to 128 printable characters"));
        }

        query = errors.Count == 0 ? new EventQuery(r.CarId, types, from, to, limit, r.Cursor, withdrawn) : null;
        return query is not null;
    }

    private static long Time(string? text, string name, long absent, List<ParameterError> errors)
    {
        if (text is null)
        {
            return absent;
        }

        if (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset when)
            && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 9))
        {
            return when.ToUnixTimeMilliseconds();
        }

        errors.Add(new ParameterError(name, "must be UTC epoch milliseconds or an ISO-8601 date-time with its offset"));
        return absent;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
