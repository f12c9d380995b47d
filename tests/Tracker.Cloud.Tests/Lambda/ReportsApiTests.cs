using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// Issue 17's routes end to end over SQLite: fixes stored as ingest stores them, the Derive stage turning them into
/// trips and stops, and the API serving them with the history's authorization, RFC 9457 refusals and the exports.
/// </summary>
public sealed class ReportsApiTests : IAsyncLifetime
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Renter = "4c8e2a1f-renter-0001";
    private const long T0 = LambdaEvents.SampleNowMs - (3 * 3_600_000);
    private const int LatE7 = 523_812_000;
    private const int LonE7 = 49_000_000;

    private readonly TempFolder _folder = new("tracker-reports-api-");
    private ApiHandler? _api;
    private Rental? _rental;
    private SqliteTripStore? _trips;
    private SqliteStore? _store;
    private DeriveService? _service;

    public async Task InitializeAsync()
    {
        var clock = new ManualClock(LambdaEvents.SampleNowMs);
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db"), Clock = clock }, CancellationToken.None);
        SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        SqliteTripStore trips = await SqliteTripStore.OpenAsync(store, CancellationToken.None);
        _trips = trips;
        var policy = new AccessPolicy(store, clock);
        _store = store;
        _api = new ApiHandler(new QueryService(store, policy), clock)
        {
            Reports = new ReportsApi(new TripReports(trips, derive, derive, store, store, trips, policy)),
            Odometers = derive,
        };

        // Two 3 km trips east with a 10-minute stop between; the renter's rental starts during that stop and runs now.
        List<StoredFix> fixes = [];
        fixes.AddRange(Parked(0, 300, 0));
        fixes.AddRange(Driving(300, 300, 0));
        fixes.AddRange(Parked(601, 600, 3000));
        fixes.AddRange(Driving(1201, 300, 3000));
        fixes.AddRange(Parked(1502, 600, 6000));
        await store.AppendAsync("car-1", fixes, CancellationToken.None);
        _rental = new Rental("car-1", Renter, T0 + 900_000, LambdaEvents.SampleNowMs + 3_600_000);
        await store.PutAsync(_rental, CancellationToken.None);
        var service = new DeriveService(new CarDeriver(DeriveOptions.Default), derive, derive, new StoredObservations(store, derive), new StoredContexts(derive, store, SpeedLimits.None, odometer: trips), trips);
        _service = service;
        await service.DeriveAsync("car-1", fixes.Select(Observation.Of).ToList(), CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Operator_ListsTheTrips_WithTheirFigures_PagingWithTheCursor()
    {
        var (status, _, text) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["limit"] = "1" });
        Assert.Equal(200, status);
        JsonObject first = Json(text);
        JsonObject trip = first["trips"]![0]!.AsObject();
        Assert.Equal(T0 + 290_000, (long)trip["startTs"]!);
        Assert.InRange((double)trip["distanceM"]!, 2_990, 3_010);
        Assert.Equal(10_000, (int)trip["maxSpeedMmps"]!);
        Assert.False((bool)trip["estimated"]!);
        Assert.Equal("52.38120, 4.90000", (string?)trip["startLabel"]);

        var (_, _, secondText) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["limit"] = "1", ["cursor"] = (string)first["nextCursor"]! });
        JsonObject second = Json(secondText);
        Assert.Single(second["trips"]!.AsArray());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task Renter_SeesOnlyTheTripsOfTheirRental_AndNoOtherCar()
    {
        object claims = LambdaEvents.Claims(Renter, "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        var (status, _, text) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) }, claims);
        Assert.Equal(200, status);
        long start = (long)Json(text)["trips"]![0]!["startTs"]!;
        Assert.Single(Json(text)["trips"]!.AsArray());
        Assert.True(start >= _rental!.FromMs);

        // The stop the rental began in is clipped to the rental: the renter does not learn when it was parked.
        var (_, _, stops) = await Call("/cars/car-1/stops", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) }, claims);
        Assert.All(Json(stops)["stops"]!.AsArray(), s => Assert.True((long)s!["startTs"]! >= _rental.FromMs));

        // The whole-period exports keep to the same window and the same clipping.
        string rentalStart = DateTimeOffset.FromUnixTimeMilliseconds(_rental.FromMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var (_, _, tripsCsv) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["format"] = "csv" }, claims);
        List<List<string>> tripRows = Tracker.Cloud.Testing.Rfc4180.Parse(tripsCsv);
        Assert.Equal(2, tripRows.Count);
        Assert.True(string.CompareOrdinal(tripRows[1][1], rentalStart) >= 0, tripRows[1][1]);
        var (_, _, stopsCsv) = await Call("/cars/car-1/stops", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["format"] = "csv" }, claims);
        List<List<string>> stopRows = Tracker.Cloud.Testing.Rfc4180.Parse(stopsCsv);
        Assert.Equal(Json(stops)["stops"]!.AsArray().Count + 1, stopRows.Count);
        Assert.All(stopRows.Skip(1), r => Assert.True(string.CompareOrdinal(r[1], rentalStart) >= 0, r[1]));
        var (gpxStatus, _, gpx) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["format"] = "gpx" }, claims);
        Assert.Equal(200, gpxStatus);
        Assert.Single(System.Xml.Linq.XDocument.Parse(gpx).Root!.Elements(), e => e.Name.LocalName == "trk");

        var (other, headers, problem) = await Call("/cars/car-2/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) }, claims);
        Assert.Equal(404, other);
        Assert.Equal("application/problem+json", (string?)headers["content-type"]);
        Assert.Equal(404, (int)Json(problem)["status"]!);

        var (fleet, _, _) = await Call("/daily", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) }, claims);
        Assert.Equal(403, fleet);
    }

    [Theory]
    [InlineData("/cars/car-1/trips", "limit", "0")]
    [InlineData("/cars/car-1/trips", "start", "yesterday")]
    [InlineData("/cars/car-1/trips", "cursor", "bm90IGEgY3Vyc29y")]
    [InlineData("/cars/car-1/trips", "format", "xlsx")]
    [InlineData("/cars/car-1/trips", "colour", "red")]
    [InlineData("/cars/car-1/stops", "format", "gpx")]
    [InlineData("/cars/car-1/trips/12x", "format", "json")]
    [InlineData("/cars/bad%20car/trips", "format", "json")]
    [InlineData("/rentals/nonsense/summary", "format", "json")]
    public async Task MalformedParameters_AreRFC9457Problems(string path, string name, string value)
    {
        Dictionary<string, string> query = new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) };
        query[name] = value;
        var (status, headers, text) = await Call(path, query);
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", (string?)headers["content-type"]);
        JsonObject problem = Json(text);
        Assert.Equal(400, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task WrongMethod_Is405_WithAllow()
    {
        var (status, headers, _) = await Call("/cars/car-1/trips", new() { ["start"] = "0" }, method: "DELETE");
        Assert.Equal(405, status);
        Assert.Equal("GET", (string?)headers["allow"]);
    }

    [Fact]
    public async Task Csv_IsRfc4180_WithAHeaderAndCrlfLines()
    {
        var (status, headers, text) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["format"] = "csv" });
        Assert.Equal(200, status);
        Assert.StartsWith("text/csv", (string?)headers["content-type"], StringComparison.Ordinal);
        Assert.StartsWith("car,start,end,", text, StringComparison.Ordinal);
        List<List<string>> records = Tracker.Cloud.Testing.Rfc4180.Parse(text);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(records[0].Count, r.Count));

        // Without a town the places are the coordinates, quoted for their comma.
        string place = records[1][records[0].IndexOf("start_place")];
        Assert.Matches("^52\\.3812\\d, 4\\.90\\d{3}$", place);
        Assert.Contains("\"" + place + "\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gpx_IsGpx11_ATrackPerTrip_APointPerFixWithItsTime()
    {
        var (status, headers, text) = await Call("/cars/car-1/trips", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["format"] = "gpx" });
        Assert.Equal(200, status);
        Assert.Equal(TripExport.GpxMediaType, (string?)headers["content-type"]);
        var doc = new XmlDocument();
        doc.LoadXml(text);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("g", "http://www.topografix.com/GPX/1/1");
        XmlElement root = doc.DocumentElement!;
        Assert.Equal(("gpx", "1.1"), (root.LocalName, root.GetAttribute("version")));
        Assert.False(string.IsNullOrEmpty(root.GetAttribute("creator")));
        XmlNodeList tracks = doc.SelectNodes("/g:gpx/g:trk", ns)!;
        Assert.Equal(2, tracks.Count);
        XmlNodeList points = doc.SelectNodes("/g:gpx/g:trk[1]/g:trkseg/g:trkpt", ns)!;
        Assert.InRange(points.Count, 300, 320);
        foreach (XmlElement p in points)
        {
            double lat = double.Parse(p.GetAttribute("lat"), CultureInfo.InvariantCulture);
            double lon = double.Parse(p.GetAttribute("lon"), CultureInfo.InvariantCulture);
            Assert.InRange(lat, -90, 90);
            Assert.InRange(lon, -180, 180);
            XmlElement time = Assert.IsType<XmlElement>(p.LastChild);
            Assert.Equal("time", time.LocalName);
            Assert.True(DateTimeOffset.TryParseExact(time.InnerText, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
        }

        // Only the elements GPX 1.1 defines, in its order (trk: name, desc, trkseg).
        Assert.Equal(["name", "desc", "trkseg"], tracks[0]!.ChildNodes.Cast<XmlNode>().Select(n => n.LocalName));
    }

    [Fact]
    public async Task Kml_IsKml22_APlacemarkPerTrip_WithLonLatCoordinates()
    {
        var (status, headers, text) = await Call("/cars/car-1/trips/" + (T0 + 290_000).ToString(CultureInfo.InvariantCulture), new() { ["format"] = "kml" });
        Assert.Equal(200, status);
        Assert.Equal(TripExport.KmlMediaType, (string?)headers["content-type"]);
        var doc = new XmlDocument();
        doc.LoadXml(text);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("k", "http://www.opengis.net/kml/2.2");
        string coordinates = doc.SelectSingleNode("/k:kml/k:Document/k:Placemark/k:LineString/k:coordinates", ns)!.InnerText;
        string[] first = coordinates.Split(' ')[0].Split(',');
        Assert.Equal((4.9, 52.3812), (double.Parse(first[0], CultureInfo.InvariantCulture), double.Parse(first[1], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task DailySummary_AndRentalSummary_AddUpTheTrips()
    {
        var (status, _, text) = await Call("/daily", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["end"] = LambdaEvents.SampleNowMs.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(200, status);
        JsonArray days = Json(text)["days"]!.AsArray();
        Assert.Equal(2, days.Sum(d => (int)d!["trips"]!));
        Assert.InRange(days.Sum(d => (double)d!["distanceM"]!), 5_980, 6_020);

        object claims = LambdaEvents.Claims(Renter, "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        var (own, _, summary) = await Call("/rentals/" + Uri.EscapeDataString(Tracker.Cloud.Derive.Zones.RentalIds.Of(_rental!)) + "/summary", null, claims);
        Assert.Equal(200, own);
        Assert.Equal(1, (int)Json(summary)["trips"]!);
        Assert.InRange((double)Json(summary)["distanceM"]!, 2_990, 3_010);

        // The bill's ends are labelled as the trips' are: with the position's coordinates when there is one, else null.
        JsonObject bill = Json(summary);
        Assert.Equal(bill["startLatE7"] is null, bill["startLabel"] is null);
        if (bill["startLatE7"] is not null)
        {
            Assert.Matches("^52\\.\\d{5}, 4\\.\\d{5}$", (string?)bill["startLabel"]);
        }

        object stranger = LambdaEvents.Claims("someone-else", "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        var (hidden, _, _) = await Call("/rentals/" + Uri.EscapeDataString(Tracker.Cloud.Derive.Zones.RentalIds.Of(_rental!)) + "/summary", null, stranger);
        Assert.Equal(404, hidden);
    }

    [Fact]
    public async Task DailySummary_CarriesIdleTime_EvenOnADayTheCarOnlyIdled_AndStopsCarryTheirOwn()
    {
        // car-2 stood all day with its engine running 10 minutes; car-1 drove with no ignition reported (no idle).
        await _trips!.ApplyAsync("car-2", long.MaxValue, [], [new Tracker.Cloud.Derive.Processors.Trips.Stop { CarId = "car-2", StartTs = T0 + 100_000, EndTs = T0 + 1_000_000, IdleMs = 600_000, DecidedTs = T0 + 100_000 }], CancellationToken.None);
        var (status, _, text) = await Call("/daily", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["end"] = LambdaEvents.SampleNowMs.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(200, status);
        JsonArray days = Json(text)["days"]!.AsArray();
        Assert.Equal(600_000, days.Where(d => (string?)d!["carId"] == "car-2").Sum(d => (long)d!["idleMs"]!));
        Assert.Equal(0, days.Where(d => (string?)d!["carId"] == "car-2").Sum(d => (int)d!["trips"]!));
        Assert.All(days.Where(d => (string?)d!["carId"] == "car-1"), d => Assert.Equal(0, (long)d!["idleMs"]!));

        var (stopsStatus, _, stopsText) = await Call("/cars/car-2/stops", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(200, stopsStatus);
        Assert.Equal(600_000, (long)Json(stopsText)["stops"]![0]!["idleMs"]!);
    }

    [Fact]
    public async Task Odometer_OperatorsSetIt_OthersAndMalformedBodiesAreRefused()
    {
        var (ok, _, reading) = await Call("/cars/car-1/odometer", null, method: "PUT", body: """{"valueM": 12345000, "at": 1749540000000}""");
        Assert.Equal(200, ok);
        Assert.Equal(12_345_000, (double)Json(reading)["valueM"]!);

        object claims = LambdaEvents.Claims(Renter, "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        var (renter, _, _) = await Call("/cars/car-1/odometer", null, claims, "PUT", """{"valueM": 1, "at": 1749540000000}""");
        Assert.Equal(403, renter);
        foreach (string bad in new[] { "", "[]", "{\"valueM\":\"12\"}", "{\"valueM\":-5,\"at\":1}", "{\"valueM\":1e300,\"at\":1}", "{\"valueM\":1,\"at\":0}", "{\"valueM\":1,", "{\"valueM\":1,\"at\":\"soon\"}", "{\"valueM\":1,\"at\":1.5}", "null" })
        {
            var (status, _, _) = await Call("/cars/car-1/odometer", null, method: "PUT", body: bad);
            Assert.Equal(400, status);
        }
    }

    [Fact]
    public async Task Location_ShowsTheDeriveOdometer_ADashboardReadingCarriesForward_AndHistoryHasNone()
    {
        await _store!.AdvanceLatestAsync(Fix(2092, 6000, 0), CancellationToken.None);
        var (status, _, text) = await Call("/cars/car-1/location", null);
        Assert.Equal(200, status);
        Assert.InRange((long)Json(text)["odometerM"]!, 5_990, 6_010);

        // The renter's rental runs now: they see it too.
        object claims = LambdaEvents.Claims(Renter, "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        var (renterStatus, _, renterText) = await Call("/cars/car-1/location", null, claims);
        Assert.Equal(200, renterStatus);
        Assert.Equal((long)Json(text)["odometerM"]!, (long)Json(renterText)["odometerM"]!);

        // History and the fleet list carry no odometer: the fixes have none.
        var (_, _, history) = await Call("/cars/car-1/locations", new() { ["start"] = T0.ToString(CultureInfo.InvariantCulture), ["limit"] = "5" });
        Assert.All(Json(history)["fixes"]!.AsArray(), f => Assert.False(f!.AsObject().ContainsKey("odometerM")));
        var (_, _, fleet) = await Call("/cars", null);
        Assert.All(Json(fleet)["cars"]!.AsArray(), f => Assert.False(f!.AsObject().ContainsKey("odometerM")));

        // An operator sets the dashboard reading; the next fixes carry it forward with the distance driven after it.
        long at = T0 + 2_150_000;
        var (put, _, _) = await Call("/cars/car-1/odometer", null, method: "PUT", body: $$"""{"valueM": 100000000, "at": {{at}}}""");
        Assert.Equal(200, put);
        List<StoredFix> more = [.. Parked(2150, 60, 6000), .. Driving(2210, 200, 6000), .. Parked(2411, 300, 8000)];
        await _store.AppendAsync("car-1", more, CancellationToken.None);
        await _store.AdvanceLatestAsync(more[^1], CancellationToken.None);
        await _service!.DeriveAsync("car-1", more.Select(Observation.Of).ToList(), CancellationToken.None);

        var (_, _, after) = await Call("/cars/car-1/location", null);
        Assert.InRange((long)Json(after)["odometerM"]!, 100_001_990, 100_002_010);
    }

    [Fact]
    public async Task Location_OfAPositionOlderThanDerivesNewest_ShowsNoOdometer()
    {
        // Derive has applied fixes up to 2,092 s; a latest row older than that (a renter's last position in their window
        // is the same case) must not show the distance driven after it.
        await _store!.AdvanceLatestAsync(Fix(1000, 3000, 0), CancellationToken.None);
        var (status, _, text) = await Call("/cars/car-1/location", null);
        Assert.Equal(200, status);
        Assert.False(Json(text).ContainsKey("odometerM"));
    }

    private static IEnumerable<StoredFix> Parked(double from, double seconds, double eastM)
    {
        for (double t = from; t < from + seconds; t += 10)
        {
            yield return Fix(t, eastM, 0);
        }
    }

    private static IEnumerable<StoredFix> Driving(double from, double seconds, double eastM)
    {
        for (double s = 1; s <= seconds; s++)
        {
            yield return Fix(from + s, eastM + (10 * s), 10_000);
        }
    }

    private static StoredFix Fix(double seconds, double eastM, int speedMmps)
    {
        long ts = T0 + (long)(seconds * 1000);
        int lon = LonE7 + (int)Math.Round(eastM / (111_195.08 * Math.Cos(52.3812 * Math.PI / 180)) * 1e7);
        return new StoredFix("car-1", ts, LatE7, lon, 1_000, speedMmps, 9_000, 90, 9, 3, 1, false, speedMmps > 1_389, ts + 1000);
    }

    private static JsonObject Json(string text) => (JsonObject)JsonNode.Parse(text)!;

    private async Task<(int Status, JsonObject Headers, string Body)> Call(string path, Dictionary<string, string>? query, object? claims = null, string method = "GET", string? body = null)
    {
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, query, claims ?? LambdaEvents.Claims(Operator, "operators", (LambdaEvents.SampleNowMs / 1000) + 3600), method))!.AsObject();
        if (body is not null)
        {
            evt["body"] = body;
            evt["isBase64Encoded"] = false;
        }

        using Stream output = await _api!.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        return ((int)response["statusCode"]!, response["headers"]?.AsObject() ?? [], (string?)response["body"] ?? string.Empty);
    }
}
