using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Reports.Places;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Sqlite;
using Tracker.Cloud.Testing;
using Tracker.Testing;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// Whole-period exports over SQLite with 2,500 trips (more than the API's largest page): every trip and stop is in
/// the file, the CSV stays RFC 4180, the GPX and KML hold every track, a period past the ceiling is a 422 problem
/// that reads no further, and trip ends carry the town's street names when the host has a town.
/// </summary>
public sealed class ReportsExportTests : IAsyncLifetime
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Car = "car-9";
    private const int Trips = 2_500;
    private const long T0 = LambdaEvents.SampleNowMs - (10 * 86_400_000L);

    // On Elm Street, and on its crossing with 14th Avenue, in the shared corpus town (places-corpus.json).
    private const int StartLatE7 = 394_950_000, StartLonE7 = -1_198_000_000, EndLatE7 = 395_000_000, EndLonE7 = -1_198_000_000;

    private readonly TempFolder _folder = new("tracker-reports-export-");
    private SqliteStore? _store;
    private CountingTrips? _trips;
    private TripReports? _reports;
    private StreetLabeller? _streets;

    public async Task InitializeAsync()
    {
        var clock = new ManualClock(LambdaEvents.SampleNowMs);
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db"), Clock = clock }, CancellationToken.None);
        SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        SqliteTripStore trips = await SqliteTripStore.OpenAsync(store, CancellationToken.None);
        _store = store;
        _trips = new CountingTrips(trips);
        _reports = new TripReports(_trips, derive, derive, store, store, trips, new AccessPolicy(store, clock));
        using JsonDocument corpus = JsonDocument.Parse(File.ReadAllBytes(Repository.PathOf("cloud", "Tracker.Cloud.Web", "test", "fixtures", "places-corpus.json")));
        _streets = StreetLabeller.FromGeoJson(JsonSerializer.SerializeToUtf8Bytes(corpus.RootElement.GetProperty("town")));

        // A trip every 5 minutes, 60 s long, four fixes each; a stop between each two.
        List<Trip> all = [];
        List<Stop> stops = [];
        List<StoredFix> fixes = [];
        for (int i = 0; i < Trips; i++)
        {
            long start = T0 + (i * 300_000L);
            all.Add(new Trip { CarId = Car, StartTs = start, EndTs = start + 60_000, StartLatE7 = StartLatE7, StartLonE7 = StartLonE7, EndLatE7 = EndLatE7, EndLonE7 = EndLonE7, DistanceM = 555.5, MaxSpeedMmps = 12_000, Fixes = 4, DecidedTs = start + 180_000 });
            stops.Add(new Stop { CarId = Car, StartTs = start + 60_000, EndTs = start + 300_000, LatE7 = EndLatE7, LonE7 = EndLonE7, IdleMs = 0, DecidedTs = start + 180_000 });
            for (int k = 0; k < 4; k++)
            {
                long ts = start + (k * 20_000L);
                fixes.Add(new StoredFix(Car, ts, StartLatE7 + (k * 1_500), StartLonE7, 1_000, 10_000, 0, 90, 9, 3, 1, false, true, ts + 1000));
            }
        }

        await trips.ApplyAsync(Car, 0, all, stops, CancellationToken.None);
        await store.AppendAsync(Car, fixes, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TripsCsv_OfAPeriodWithMoreTripsThanAPage_HoldsEveryTrip_InOneRfc4180File()
    {
        var (status, headers, text) = await Call("trips", "csv");
        Assert.Equal(200, status);
        Assert.Equal(TripExport.CsvMediaType, (string?)headers["content-type"]);
        Assert.Null(headers["x-next-cursor"]);
        List<List<string>> records = Rfc4180.Parse(text);
        Assert.Equal(Trips + 1, records.Count);
        Assert.Single(records, r => r[0] == "car");
        Assert.All(records, r => Assert.Equal(records[0].Count, r.Count));
        List<string> starts = [.. records.Skip(1).Select(r => r[1])];
        Assert.Equal(Trips, starts.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(starts.Order(StringComparer.Ordinal), starts);

        // The town's streets name the ends (coordinates stay in their own columns).
        int startPlace = records[0].IndexOf("start_place"), endPlace = records[0].IndexOf("end_place");
        Assert.All(records.Skip(1), r => Assert.Equal("Elm Street", r[startPlace]));
        Assert.All(records.Skip(1), r => Assert.Equal("Elm Street at 14th Avenue", r[endPlace]));
    }

    [Fact]
    public async Task StopsCsv_OfTheWholePeriod_HoldsEveryStop_WithItsPlace()
    {
        var (status, _, text) = await Call("stops", "csv");
        Assert.Equal(200, status);
        List<List<string>> records = Rfc4180.Parse(text);
        Assert.Equal(Trips + 1, records.Count);
        Assert.All(records.Skip(1), r => Assert.Equal("Elm Street at 14th Avenue", r[records[0].IndexOf("place")]));
    }

    [Fact]
    public async Task GpxAndKml_OfTheWholePeriod_HoldEveryTrackAndFix()
    {
        var (gpxStatus, _, gpx) = await Call("trips", "gpx");
        Assert.Equal(200, gpxStatus);
        var doc = new XmlDocument();
        doc.LoadXml(gpx);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("g", TripExport.GpxNamespace);
        ns.AddNamespace("k", TripExport.KmlNamespace);
        Assert.Equal(Trips, doc.SelectNodes("/g:gpx/g:trk", ns)!.Count);
        Assert.Equal(Trips * 4, doc.SelectNodes("/g:gpx/g:trk/g:trkseg/g:trkpt", ns)!.Count);
        Assert.StartsWith("From Elm Street to Elm Street at 14th Avenue: ", doc.SelectSingleNode("/g:gpx/g:trk/g:desc", ns)!.InnerText, StringComparison.Ordinal);

        var (kmlStatus, _, kml) = await Call("trips", "kml");
        Assert.Equal(200, kmlStatus);
        doc.LoadXml(kml);
        Assert.Equal(Trips, doc.SelectNodes("/k:kml/k:Document/k:Placemark", ns)!.Count);
    }

    [Fact]
    public async Task AnExportPastTheCeiling_IsA422Problem_SayingHowFarItGot_AndReadsNoFurther()
    {
        var api = new ReportsApi(_reports!, _streets) { ExportCeilingChars = 20_000 };
        _trips!.Reset();
        var (status, headers, text) = await Call("trips", "csv", api);
        Assert.Equal(422, status);
        Assert.Equal("application/problem+json", (string?)headers["content-type"]);
        JsonObject problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("/problems/export-too-large", (string?)problem["type"]);
        Assert.Equal(422, (int)problem["status"]!);
        string detail = (string)problem["detail"]!;
        Assert.Contains("choose a shorter period", detail, StringComparison.Ordinal);
        Assert.Contains("limit and cursor", detail, StringComparison.Ordinal);
        // The first page held the ceiling: the other 1,500 trips were never read.
        Assert.Equal(1, _trips.TripPages);

        var (gpxStatus, _, _) = await Call("trips", "gpx", api);
        Assert.Equal(422, gpxStatus);
    }

    [Fact]
    public async Task WithALimit_AnExportIsOnePage_AndTheNextCursorComesInAHeader()
    {
        var (status, headers, text) = await Call("trips", "csv", limit: 1000);
        Assert.Equal(200, status);
        Assert.Equal(1001, Rfc4180.Parse(text).Count);
        Assert.False(string.IsNullOrEmpty((string?)headers["x-next-cursor"]));
    }

    [Fact]
    public async Task TheTripsJson_CarriesStreetLabels_OrCoordinatesWithoutATown()
    {
        var (_, _, withTown) = await Call("trips", "json", limit: 1);
        JsonObject trip = JsonNode.Parse(withTown)!["trips"]![0]!.AsObject();
        Assert.Equal("Elm Street", (string?)trip["startLabel"]);
        Assert.Equal("Elm Street at 14th Avenue", (string?)trip["endLabel"]);

        var (_, _, without) = await Call("trips", "json", new ReportsApi(_reports!), limit: 1);
        Assert.Equal("39.49500, -119.80000", (string?)JsonNode.Parse(without)!["trips"]![0]!["startLabel"]);
    }

    private async Task<(int Status, JsonObject Headers, string Body)> Call(string route, string format, ReportsApi? reports = null, int? limit = null)
    {
        var api = new ApiHandler(new QueryService(_store!, new AccessPolicy(_store!, new ManualClock(LambdaEvents.SampleNowMs))), new ManualClock(LambdaEvents.SampleNowMs))
        {
            Reports = reports ?? new ReportsApi(_reports!, _streets),
        };
        Dictionary<string, string> query = new()
        {
            ["start"] = T0.ToString(CultureInfo.InvariantCulture),
            ["end"] = LambdaEvents.SampleNowMs.ToString(CultureInfo.InvariantCulture),
            ["format"] = format,
        };
        if (limit is { } l)
        {
            query["limit"] = l.ToString(CultureInfo.InvariantCulture);
        }

        string evt = LambdaEvents.Http("/cars/" + Car + "/" + route, query, LambdaEvents.Claims(Operator, "operators", (LambdaEvents.SampleNowMs / 1000) + 3600));
        using Stream output = await api.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        return ((int)response["statusCode"]!, response["headers"]?.AsObject() ?? [], (string?)response["body"] ?? string.Empty);
    }

    /// <summary>Counts the pages of trips read, to show an export stops reading at its ceiling.</summary>
    private sealed class CountingTrips(ITripStore inner) : ITripStore
    {
        public int TripPages { get; private set; }

        public void Reset() => TripPages = 0;

        public Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken) =>
            inner.ApplyAsync(carId, decidedFrom, trips, stops, cancellationToken);

        public Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken)
        {
            TripPages++;
            return inner.QueryTripsAsync(query, cancellationToken);
        }

        public Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken) => inner.QueryStopsAsync(query, cancellationToken);

        public Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) => inner.SumTripsAsync(carId, fromMs, toMs, cancellationToken);

        public Task<IReadOnlyDictionary<string, long>> SumIdleAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) => inner.SumIdleAsync(carId, fromMs, toMs, cancellationToken);
    }
}
