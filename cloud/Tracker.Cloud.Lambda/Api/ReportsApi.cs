using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Reports.Places;
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
/// An export (<c>format=csv|gpx|kml</c>) without <c>limit</c> and <c>cursor</c> is the whole period, read from the store page
/// by page, up to <see cref="ExportCeilingChars"/>; past it the answer is a 422 problem that says how far it got. With
/// <c>limit</c> (or <c>cursor</c>) it is one page, and the next page's cursor travels in <c>x-next-cursor</c>.
/// Trip ends and stops are labelled by an <see cref="IPlaceLabeller"/>: the town's streets on the local host, the
/// coordinates on AWS (no place index is configured there).
/// </summary>
public sealed class ReportsApi : IApiRoutes
{
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "start", "end", "limit", "cursor", "format" };

    /// <summary>
    /// The default ceiling of a whole-period export, characters: 4 MiB, under AWS Lambda's 6 MB limit on a synchronous
    /// response, with room for the JSON envelope's escaping of quotes and line breaks.
    /// </summary>
    public const int DefaultExportCeilingChars = 4 * 1024 * 1024;

    private readonly TripReports _reports;
    private readonly IPlaceLabeller _places;

    /// <summary>Creates the routes.</summary>
    /// <param name="reports">The reports.</param>
    /// <param name="places">Labels trip ends and stops; their coordinates when null.</param>
    public ReportsApi(TripReports reports, IPlaceLabeller? places = null)
    {
        _reports = reports ?? throw new ArgumentNullException(nameof(reports));
        _places = places ?? CoordinateLabeller.Instance;
    }

    /// <summary>The most characters a whole-period export may hold (<see cref="DefaultExportCeilingChars"/>).</summary>
    public int ExportCeilingChars { get; init; } = DefaultExportCeilingChars;

    /// <inheritdoc/>
    public bool SignedIn => true;

    /// <summary>True when the path is one of these routes.</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return (segments.Count == 1 && segments[0] == "daily")
            || (segments.Count == 3 && segments[0] == "rentals" && segments[2] == "summary")
            || (segments.Count >= 3 && segments[0] == "cars" && segments[2] is "trips" or "stops" or "daily" or "odometer");
    }

    /// <inheritdoc/>
    public async Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(caller);
        (HttpApiRequest request, IReadOnlyList<string> segments, string method, string instance) = call;
        Dictionary<string, string> query = request.QueryStringParameters ?? [];
        bool isPut = segments.Count == 3 && segments[2] == "odometer";
        if (call.Allow(isPut ? "PUT" : "GET") is { } refused)
        {
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
        bool wholePeriod = history.Limit is null && history.Cursor is null;
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
                    "csv" when wholePeriod => await PeriodAsync(await _reports.AllStopsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), s => TripExport.CsvAsync(s, _places, ExportCeilingChars, cancellationToken), TripExport.CsvMediaType, "stops", segments[1], instance).ConfigureAwait(false),
                    "csv" => Text(await _reports.ListStopsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, p => TripExport.Csv(p.Items, _places), TripExport.CsvMediaType, p => p.NextCursor),
                    _ => BadFormat(format, "json or csv", instance),
                };
            case (3, "cars") when segments[2] == "trips":
                return format switch
                {
                    "json" => ApiHandler.Reply(await _reports.ListTripsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, WriteTrips),
                    "csv" when wholePeriod => await PeriodAsync(await _reports.AllTripsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), t => TripExport.CsvAsync(t, _places, ExportCeilingChars, cancellationToken), TripExport.CsvMediaType, "trips", segments[1], instance).ConfigureAwait(false),
                    "gpx" when wholePeriod => await PeriodAsync(await _reports.AllTracksAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), t => TripExport.GpxAsync(t, _places, ExportCeilingChars, cancellationToken), TripExport.GpxMediaType, "trips", segments[1], instance).ConfigureAwait(false),
                    "kml" when wholePeriod => await PeriodAsync(await _reports.AllTracksAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), t => TripExport.KmlAsync(t, _places, ExportCeilingChars, cancellationToken), TripExport.KmlMediaType, "trips", segments[1], instance).ConfigureAwait(false),
                    "csv" => Text(await _reports.ListTripsAsync(caller, segments[1], history, cancellationToken).ConfigureAwait(false), instance, p => TripExport.Csv(p.Items, _places), TripExport.CsvMediaType, p => p.NextCursor),
                    "gpx" or "kml" => await TracksAsync(caller, segments[1], history, format, instance, cancellationToken).ConfigureAwait(false),
                    _ => BadFormat(format, "json, csv, gpx or kml", instance),
                };
            case (4, "cars") when segments[2] == "trips":
                QueryResult<TripTrack> track = await _reports.TrackAsync(caller, segments[1], segments[3], cancellationToken).ConfigureAwait(false);
                return format switch
                {
                    "json" => ApiHandler.Reply(track, instance, WriteTrack),
                    "gpx" => Text(track, instance, t => TripExport.Gpx([t], _places), TripExport.GpxMediaType, _ => null),
                    "kml" => Text(track, instance, t => TripExport.Kml([t], _places), TripExport.KmlMediaType, _ => null),
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
            ? Text(all, instance, t => TripExport.Gpx(t, _places), TripExport.GpxMediaType, _ => page.Value.NextCursor)
            : Text(all, instance, t => TripExport.Kml(t, _places), TripExport.KmlMediaType, _ => page.Value.NextCursor);
    }

    // A whole period's export: written as the store yields it, refused (with how far it got) past the ceiling.
    private async Task<HttpApiResponse> PeriodAsync<T>(QueryResult<IAsyncEnumerable<T>> items, Func<IAsyncEnumerable<T>, Task<PeriodExport>> write, string mediaType, string what, string carId, string instance)
    {
        if (items.Status != QueryStatus.Ok)
        {
            return ApiHandler.Refused(items, instance);
        }

        PeriodExport export = await write(items.Value!).ConfigureAwait(false);
        if (export.TooLarge)
        {
            return ApiHandler.Problem(ProblemType.ExportTooLarge.With(
                "The export of " + TimeParameter.Clip(carId) + "'s " + what + " passed the ceiling of one response (" + (ExportCeilingChars / 1024).ToString("N0", CultureInfo.InvariantCulture)
                + " KiB) after " + export.Items.ToString("N0", CultureInfo.InvariantCulture) + " " + what + ": choose a shorter period, or page it with limit and cursor (each page's next cursor comes in the x-next-cursor header).",
                instance));
        }

        HttpApiResponse response = new() { StatusCode = 200, Body = export.Text! };
        response.Headers["content-type"] = mediaType;
        response.Headers["cache-control"] = "no-store";
        return response;
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

    private void WriteTrips(Utf8JsonWriter json, Page<Trip> page)
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

    private void WriteTrip(Utf8JsonWriter json, Trip t)
    {
        json.WriteStartObject();
        json.WriteString("carId", t.CarId);
        json.WriteNumber("startTs", t.StartTs);
        json.WriteNumber("endTs", t.EndTs);
        json.WriteNumber("startLatE7", t.StartLatE7);
        json.WriteNumber("startLonE7", t.StartLonE7);
        json.WriteNumber("endLatE7", t.EndLatE7);
        json.WriteNumber("endLonE7", t.EndLonE7);
        json.WriteString("startLabel", _places.Label(t.StartLatE7, t.StartLonE7));
        json.WriteString("endLabel", _places.Label(t.EndLatE7, t.EndLonE7));
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

    private void WriteStops(Utf8JsonWriter json, Page<Stop> page)
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
            json.WriteString("label", _places.Label(s.LatE7, s.LonE7));
            Nullable(json, "durationMs", s.DurationMs);
            json.WriteNumber("idleMs", s.IdleMs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteCursor(json, page.NextCursor);
        json.WriteEndObject();
    }

    private void WriteTrack(Utf8JsonWriter json, TripTrack track)
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

    private void WriteRental(Utf8JsonWriter json, RentalSummary r)
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
        Label(json, "startLabel", r.StartLatE7, r.StartLonE7);
        Label(json, "endLabel", r.EndLatE7, r.EndLonE7);
        json.WriteEndObject();
    }

    private void Label(Utf8JsonWriter json, string name, int? latE7, int? lonE7)
    {
        if (latE7 is { } lat && lonE7 is { } lon)
        {
            json.WriteString(name, _places.Label(lat, lon));
        }
        else
        {
            json.WriteNull(name);
        }
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
