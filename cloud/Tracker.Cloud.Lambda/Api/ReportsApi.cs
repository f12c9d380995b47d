using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// Issue 17's routes, beside <see cref="ApiHandler"/>'s (which hands them over), with the history's authorization
/// (<see cref="TripReports"/>) and RFC 9457 refusals:
/// <c>GET /cars/{carId}/trips?start=&amp;end=&amp;limit=&amp;cursor=&amp;format=json|csv|gpx|kml</c>,
/// <c>GET /cars/{carId}/trips/{startTs}?format=json|gpx|kml</c> (the trip with its fixes),
/// <c>GET /cars/{carId}/stops?...&amp;format=json|csv</c>, <c>GET /cars/{carId}/daily?start=&amp;end=</c>,
/// <c>GET /daily?start=&amp;end=</c> (operators: the fleet), <c>GET /rentals/{rentalId}/summary</c> (the id percent-encoded) and
/// <c>PUT /cars/{carId}/odometer</c> with <c>{"valueM": ..., "at": epoch ms}</c> (operators).
/// </summary>
public sealed class ReportsApi
{
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "start", "end", "limit", "cursor", "format" };

    private readonly TripReports _reports;

    /// <summary>Creates the routes.</summary>
    /// <param name="reports">The reports.</param>
    public ReportsApi(TripReports reports) => _reports = reports ?? throw new ArgumentNullException(nameof(reports));

    /// <summary>True when the path is one of these routes.</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public static bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return (segments.Count == 1 && segments[0] == "daily")
            || (segments.Count == 3 && segments[0] == "rentals" && segments[2] == "summary")
            || (segments.Count >= 3 && segments[0] == "cars" && segments[2] is "trips" or "stops" or "daily" or "odometer");
    }

    /// <summary>Handles a request for one of these routes, from an authenticated caller.</summary>
    /// <param name="request">The request.</param>
    /// <param name="segments">The path's segments, percent-decoded.</param>
    /// <param name="method">The method.</param>
    /// <param name="caller">The caller.</param>
    /// <param name="instance">The problem instance.</param>
    /// <param name="cancellationToken">Cancels storage calls.</param>
    /// <returns>The response.</returns>
    public async Task<HttpApiResponse> HandleAsync(HttpApiRequest request, IReadOnlyList<string> segments, string method, Identity caller, string instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(caller);
        Dictionary<string, string> query = request.QueryStringParameters ?? [];
        bool isPut = segments.Count == 3 && segments[2] == "odometer";
        if (method != (isPut ? "PUT" : "GET"))
        {
            HttpApiResponse refused = ApiHandler.Problem(ProblemType.MethodNotAllowed.With(method + " is not allowed here; use " + (isPut ? "PUT" : "GET") + ".", instance));
            refused.Headers["allow"] = isPut ? "PUT" : "GET";
            return refused;
        }

        if (isPut)
        {
            return await SetOdometerAsync(request, segments[1], caller, instance, cancellationToken).ConfigureAwait(false);
        }

        string? unknown = query.Keys.Where(k => !ListParameters.Contains(k)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            return ApiHandler.Problem(ProblemType.BadQuery.With("Unknown query parameter '" + TimeParameter.Clip(unknown) + "': report routes take start, end, limit, cursor and format.", instance));
        }

        string format = Get(query, "format") ?? "json";
        var history = new HistoryRequest(Get(query, "start"), Get(query, "end"), Get(query, "limit"), Get(query, "cursor"));
        switch (segments.Count, segments[0])
        {
            case (1, "daily"):
                return ApiHandler.Reply(await _reports.DailyAsync(caller, null, history, cancellationToken).ConfigureAwait(false), instance, WriteDays);
            case (3, "rentals"):
                return ApiHandler.Reply(await _reports.RentalSummaryAsync(caller, segments[1], cancellationToken).ConfigureAwait(false), instance, WriteRental);
            case (3, "cars") when segments[2] == "daily":
                return ApiHandler.Reply(await _reports.DailyAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, WriteDays);
            case (3, "cars") when segments[2] == "stops":
                return format switch
                {
                    "json" => ApiHandler.Reply(await _reports.ListStopsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, WriteStops),
                    "csv" => Text(await _reports.ListStopsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, p => TripExport.Csv(p.Items), TripExport.CsvMediaType, p => p.NextCursor),
                    _ => BadFormat(format, "json or csv", instance),
                };
            case (3, "cars") when segments[2] == "trips":
                return format switch
                {
                    "json" => ApiHandler.Reply(await _reports.ListTripsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, WriteTrips),
                    "csv" => Text(await _reports.ListTripsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, p => TripExport.Csv(p.Items), TripExport.CsvMediaType, p => p.NextCursor),
                    "gpx" or "kml" => await TracksAsync(caller, segments[1], history, format, instance, cancellationToken).ConfigureAwait(false),
                    _ => BadFormat(format, "json, csv, gpx or kml", instance),
                };
            case (4, "cars") when segments[2] == "trips":
                QueryResult<TripTrack> track = await _reports.TrackAsync(caller, segments[1], segments[3], cancellationToken).ConfigureAwait(false);
                return format switch
                {
                    "json" => ApiHandler.Reply(track, instance, WriteTrack),
                    "gpx" => Text(track, instance, t => TripExport.Gpx([t]), TripExport.GpxMediaType, _ => null),
                    "kml" => Text(track, instance, t => TripExport.Kml([t]), TripExport.KmlMediaType, _ => null),
                    _ => BadFormat(format, "json, gpx or kml", instance),
                };
            default:
                return ApiHandler.Problem(ProblemType.NotFound.With(
                    "No route for " + TimeParameter.Clip(string.Join('/', segments)) + ": reports are at GET /cars/{carId}/trips, /cars/{carId}/trips/{startTs}, /cars/{carId}/stops, /cars/{carId}/daily, /daily and /rentals/{rentalId}/summary.",
                    instance));
        }
    }

    private async Task<HttpApiResponse> TracksAsync(Identity caller, string carId, HistoryRequest history, string format, string instance, CancellationToken cancellationToken)
    {
        QueryResult<Page<Trip>> page = await _reports.ListTripsAsync(caller, carId, history, cancellationToken).ConfigureAwait(false);
        if (page.Status != QueryStatus.Ok)
        {
            return ApiHandler.Refused(page, instance);
        }

        List<TripTrack> tracks = [];
        foreach (Trip trip in page.Value!.Items)
        {
            QueryResult<TripTrack> track = await _reports.TrackAsync(caller, carId, trip.StartTs.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            if (track.Status == QueryStatus.Ok)
            {
                tracks.Add(track.Value!);
            }
        }

        QueryResult<List<TripTrack>> all = QueryResult<List<TripTrack>>.Ok(tracks);
        return format == "gpx"
            ? Text(all, instance, TripExport.Gpx, TripExport.GpxMediaType, _ => page.Value.NextCursor)
            : Text(all, instance, TripExport.Kml, TripExport.KmlMediaType, _ => page.Value.NextCursor);
    }

    private async Task<HttpApiResponse> SetOdometerAsync(HttpApiRequest request, string carId, Identity caller, string instance, CancellationToken cancellationToken)
    {
        string body = request.Body ?? string.Empty;
        if (request.IsBase64Encoded)
        {
            try
            {
                body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
            }
            catch (FormatException)
            {
                body = string.Empty;
            }
        }

        double value;
        long at;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("valueM", out JsonElement v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out value)
                || !doc.RootElement.TryGetProperty("at", out JsonElement a) || a.ValueKind != JsonValueKind.Number || !a.TryGetInt64(out at))
            {
                return ApiHandler.Problem(ProblemType.BadQuery.With("The body must be {\"valueM\": metres, \"at\": epoch milliseconds}.", instance));
            }
        }
        catch (JsonException)
        {
            return ApiHandler.Problem(ProblemType.BadQuery.With("The body is not JSON: send {\"valueM\": metres, \"at\": epoch milliseconds}.", instance));
        }

        return ApiHandler.Reply(await _reports.SetOdometerAsync(caller, carId, value, at, cancellationToken).ConfigureAwait(false), instance, WriteReading);
    }

    private static HttpApiResponse BadFormat(string format, string allowed, string instance) =>
        ApiHandler.Problem(ProblemType.BadQuery.With("'format' " + TimeParameter.Clip(format) + " is not one of " + allowed + ".", instance));

    private static string? Get(Dictionary<string, string> query, string name) => query.TryGetValue(name, out string? value) ? value : null;

    private static HttpApiResponse Text<T>(QueryResult<T> result, string instance, Func<T, string> write, string mediaType, Func<T, string?> next)
    {
        if (result.Status != QueryStatus.Ok)
        {
            return ApiHandler.Refused(result, instance);
        }

        HttpApiResponse response = new() { StatusCode = 200, Body = write(result.Value!) };
        response.Headers["content-type"] = mediaType;
        response.Headers["cache-control"] = "no-store";
        if (next(result.Value!) is { } cursor)
        {
            // Exports are paged as the JSON is: the next page's cursor travels in a header.
            response.Headers["x-next-cursor"] = cursor;
        }

        return response;
    }

    private static void WriteTrips(Utf8JsonWriter json, Page<Trip> page)
    {
        json.WriteStartObject();
        json.WriteStartArray("trips");
        foreach (Trip t in page.Items)
        {
            WriteTrip(json, t);
        }

        json.WriteEndArray();
        WriteCursor(json, page.NextCursor);
        json.WriteEndObject();
    }

    private static void WriteTrip(Utf8JsonWriter json, Trip t)
    {
        json.WriteStartObject();
        json.WriteString("carId", t.CarId);
        json.WriteNumber("startTs", t.StartTs);
        json.WriteNumber("endTs", t.EndTs);
        json.WriteNumber("startLatE7", t.StartLatE7);
        json.WriteNumber("startLonE7", t.StartLonE7);
        json.WriteNumber("endLatE7", t.EndLatE7);
        json.WriteNumber("endLonE7", t.EndLonE7);
        json.WriteString("startLabel", Label(t.StartLatE7, t.StartLonE7));
        json.WriteString("endLabel", Label(t.EndLatE7, t.EndLonE7));
        json.WriteNumber("distanceM", t.DistanceM);
        json.WriteNumber("estimatedM", t.EstimatedM);
        json.WriteBoolean("estimated", t.Estimated);
        json.WriteNumber("durationMs", t.DurationMs);
        json.WriteNumber("maxSpeedMmps", t.MaxSpeedMmps);
        json.WriteNumber("avgSpeedMmps", t.AvgSpeedMmps);
        json.WriteNumber("startOdometerM", t.StartOdometerM);
        json.WriteNumber("fixes", t.Fixes);
        json.WriteEndObject();
    }

    // No geocoder runs offline: the label is the coordinates (issue 17 allows "or coordinates").
    private static string Label(int latE7, int lonE7) =>
        (latE7 / 1e7).ToString("0.00000", CultureInfo.InvariantCulture) + ", " + (lonE7 / 1e7).ToString("0.00000", CultureInfo.InvariantCulture);

    private static void WriteStops(Utf8JsonWriter json, Page<Stop> page)
    {
        json.WriteStartObject();
        json.WriteStartArray("stops");
        foreach (Stop s in page.Items)
        {
            json.WriteStartObject();
            json.WriteString("carId", s.CarId);
            json.WriteNumber("startTs", s.StartTs);
            Nullable(json, "endTs", s.EndTs);
            json.WriteNumber("latE7", s.LatE7);
            json.WriteNumber("lonE7", s.LonE7);
            json.WriteString("label", Label(s.LatE7, s.LonE7));
            Nullable(json, "durationMs", s.DurationMs);
            json.WriteNumber("idleMs", s.IdleMs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteCursor(json, page.NextCursor);
        json.WriteEndObject();
    }

    private static void WriteTrack(Utf8JsonWriter json, TripTrack track)
    {
        json.WriteStartObject();
        json.WritePropertyName("trip");
        WriteTrip(json, track.Trip);
        json.WriteStartArray("points");
        foreach (var f in track.Fixes)
        {
            json.WriteStartArray();
            json.WriteNumberValue(f.Ts);
            json.WriteNumberValue(f.LatE7);
            json.WriteNumberValue(f.LonE7);
            json.WriteNumberValue(f.SpeedMmps ?? 0);
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteDays(Utf8JsonWriter json, IReadOnlyList<DaySummary> days)
    {
        json.WriteStartObject();
        json.WriteStartArray("days");
        foreach (DaySummary d in days)
        {
            json.WriteStartObject();
            json.WriteString("carId", d.CarId);
            json.WriteString("day", d.Day);
            json.WriteNumber("trips", d.Trips);
            json.WriteNumber("distanceM", d.DistanceM);
            json.WriteNumber("estimatedM", d.EstimatedM);
            json.WriteNumber("drivingMs", d.DrivingMs);
            json.WriteNumber("maxSpeedMmps", d.MaxSpeedMmps);
            json.WriteNumber("idleMs", d.IdleMs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRental(Utf8JsonWriter json, RentalSummary r)
    {
        json.WriteStartObject();
        json.WriteString("rentalId", r.RentalId);
        json.WriteString("carId", r.CarId);
        json.WriteString("renter", r.Renter);
        json.WriteNumber("fromMs", r.FromMs);
        json.WriteNumber("toMs", r.ToMs);
        json.WriteNumber("trips", r.Trips);
        json.WriteNumber("distanceM", r.DistanceM);
        json.WriteNumber("estimatedM", r.EstimatedM);
        json.WriteNumber("drivingMs", r.DrivingMs);
        json.WriteNumber("maxSpeedMmps", r.MaxSpeedMmps);
        json.WriteNumber("overspeedEpisodes", r.OverspeedEpisodes);
        Nullable(json, "outsideZoneMs", r.OutsideZoneMs);
        Nullable(json, "startOdometerM", r.StartOdometerM);
        Nullable(json, "endOdometerM", r.EndOdometerM);
        Nullable(json, "startLatE7", r.StartLatE7);
        Nullable(json, "startLonE7", r.StartLonE7);
        Nullable(json, "endLatE7", r.EndLatE7);
        Nullable(json, "endLonE7", r.EndLonE7);
        json.WriteEndObject();
    }

    private static void WriteReading(Utf8JsonWriter json, OdometerReading r)
    {
        json.WriteStartObject();
        json.WriteString("carId", r.CarId);
        json.WriteNumber("at", r.AtTs);
        json.WriteNumber("valueM", r.ValueM);
        json.WriteString("by", r.By);
        json.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteCursor(Utf8JsonWriter json, string? next)
    {
        if (next is null)
        {
            json.WriteNull("nextCursor");
        }
        else
        {
            json.WriteString("nextCursor", next);
        }
    }
}
