using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>The Derive stage's routes through the API handler, over the SQLite stores, with API Gateway's events.</summary>
public sealed class EventsApiTests : IAsyncLifetime
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Renter = "4c8e2a1f-renter-0001";
    private const long T0 = LambdaEvents.SampleNowMs - 3_600_000;

    private readonly TempFolder _folder = new("tracker-events-api-");
    private SqliteDeriveStore? _derive;
    private ApiHandler? _api;

    private SqliteDeriveStore Derive => _derive!;

    public async Task InitializeAsync()
    {
        var clock = new ManualClock(LambdaEvents.SampleNowMs);
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db"), Clock = clock }, CancellationToken.None);
        _derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        _api = new ApiHandler(new QueryService(store, new AccessPolicy(store, clock)), clock, events: new EventsApi(new EventQueries(_derive, _derive, clock)));

        // Ten events of car-1 a minute apart (overspeed, then fence exits), one of car-2.
        CarDerivation car = CarDerivation.New("car-1");
        FleetEvent[] events = Enumerable.Range(0, 10).Select(i => new FleetEvent
        {
            CarId = "car-1",
            Type = i % 2 == 0 ? EventType.Overspeed : EventType.GeofenceExit,
            EpisodeStartMs = T0 + (i * 60_000),
            Subject = i % 2 == 0 ? string.Empty : "depot",
            LatE7 = 523_812_000,
            LonE7 = 49_000_000,
            SpeedMmps = i % 2 == 0 ? 36_000 : null,
        }).ToArray();
        Assert.True(await _derive.TryCommitAsync(car, events, [], CancellationToken.None));
        Assert.True(await _derive.TryCommitAsync(CarDerivation.New("car-2"), [new FleetEvent { CarId = "car-2", Type = EventType.Towing, EpisodeStartMs = T0 }], [], CancellationToken.None));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Operator_ListsACarsEvents_NewestFirst_PagingWithTheCursor()
    {
        var (status, first) = await Call("/cars/car-1/events", new() { ["limit"] = "4" });
        Assert.Equal(200, status);
        Assert.Equal([T0 + 540_000, T0 + 480_000, T0 + 420_000, T0 + 360_000], first["events"]!.AsArray().Select(e => (long)e!["ts"]!));
        Assert.Equal("geofence-exit", (string?)first["events"]![0]!["type"]);
        Assert.Equal(52.3812m, (decimal)first["events"]![0]!["lat"]!);

        List<long> all = [.. first["events"]!.AsArray().Select(e => (long)e!["ts"]!)];
        string? cursor = (string?)first["nextCursor"];
        while (cursor is not null)
        {
            var (_, page) = await Call("/cars/car-1/events", new() { ["limit"] = "4", ["cursor"] = cursor });
            all.AddRange(page["events"]!.AsArray().Select(e => (long)e!["ts"]!));
            cursor = (string?)page["nextCursor"];
        }

        Assert.Equal(Enumerable.Range(0, 10).Reverse().Select(i => T0 + (i * 60_000)), all);
    }

    [Fact]
    public async Task Operator_FiltersTheFleetByTypeAndTime()
    {
        var (status, body) = await Call("/events", new() { ["type"] = "overspeed,towing", ["start"] = (T0 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(200, status);
        Assert.Equal(4, body["events"]!.AsArray().Count);
        Assert.All(body["events"]!.AsArray(), e => Assert.Equal("overspeed", (string?)e!["type"]));

        var (fleet, everything) = await Call("/events", new() { ["type"] = "towing" });
        Assert.Equal(200, fleet);
        Assert.Equal("car-2", (string?)Assert.Single(everything["events"]!.AsArray())!["carId"]);
    }

    [Theory]
    [InlineData("type", "speeding", "'type' 'speeding' is not an event type")]
    [InlineData("limit", "0", "'limit' must be a whole number from 1 to 1000")]
    [InlineData("start", "yesterday", "'start' must be UTC epoch milliseconds")]
    [InlineData("cursor", "bm90IG91cnM", "'cursor' is not one this API issued")]
    [InlineData("form", "1", "Unknown query parameter 'form'")]
    public async Task BadParameters_AreRefusedNamingThem(string name, string value, string detail)
    {
        var (status, body) = await Call("/cars/car-1/events", new() { [name] = value });
        Assert.Equal(400, status);
        Assert.Contains(detail, (string?)body["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/events", "GET")]
    [InlineData("/cars/car-1/events", "GET")]
    [InlineData("/zones", "GET")]
    [InlineData("/zones/depot", "DELETE")]
    public async Task Renters_SeeNoneOfTheFleetsEventsOrZones(string path, string method)
    {
        var (status, _) = await Call(path, null, LambdaEvents.Claims(Renter, "renters", (LambdaEvents.SampleNowMs / 1000) + 3600), method);
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Acknowledge_RecordsTheOperator_AndTheFirstStands()
    {
        var (_, list) = await Call("/cars/car-1/events", new() { ["limit"] = "1" });
        string id = (string)list["events"]![0]!["id"]!;
        string path = "/cars/car-1/events/" + Uri.EscapeDataString(id) + "/acknowledge";

        var (status, acked) = await Call(path, null, method: "POST");
        Assert.Equal(200, status);
        Assert.Equal(Operator, (string?)acked["acknowledgedBy"]);

        var (missing, _) = await Call("/cars/car-1/events/" + Uri.EscapeDataString("00000000000000000001#towing#") + "/acknowledge", null, method: "POST");
        Assert.Equal(404, missing);
        var (malformed, _) = await Call("/cars/car-1/events/nonsense/acknowledge", null, method: "POST");
        Assert.Equal(400, malformed);
        var (wrongMethod, _) = await Call(path, null);
        Assert.Equal(405, wrongMethod);
    }

    [Fact]
    public async Task Zones_AreCreatedListedAndDeleted_AndMalformedOnesRefusedWithAReason()
    {
        var (put, zone) = await Call("/zones/depot", null, method: "PUT", body: """{"name":"Depot","returnZone":true,"circle":{"lat":52.3812,"lon":4.9,"radiusM":150}}""");
        Assert.Equal(200, put);
        Assert.Equal(150, (int)zone["circle"]!["radiusM"]!);

        var (bad, problem) = await Call("/zones/yard", null, method: "PUT", body: """{"name":"Yard","polygon":[[52.0,4.0],[52.1,4.1],[52.1,4.0],[52.0,4.1]]}""");
        Assert.Equal(400, bad);
        Assert.Contains("crosses itself", (string?)problem["detail"], StringComparison.Ordinal);

        var (range, outOfRange) = await Call("/zones/far", null, method: "PUT", body: """{"name":"Far","circle":{"lat":95,"lon":4.9,"radiusM":150}}""");
        Assert.Equal(400, range);
        Assert.Contains("circle.lat must be degrees from -90 to 90", (string?)outOfRange["detail"], StringComparison.Ordinal);

        var (_, zones) = await Call("/zones", null);
        Assert.Equal("depot", (string?)Assert.Single(zones["zones"]!.AsArray())!["id"]);

        var (deleted, _) = await Call("/zones/depot", null, method: "DELETE");
        Assert.Equal(204, deleted);
        var (again, _) = await Call("/zones/depot", null, method: "DELETE");
        Assert.Equal(404, again);
    }

    [Fact]
    public async Task WithdrawnEvents_AreListedOnlyWhenAsked()
    {
        CarDerivation? car = await Derive.GetAsync("car-2", CancellationToken.None);
        Assert.True(await Derive.TryCommitAsync(car!, [], [new EventKey("car-2", EventType.Towing, T0, string.Empty)], CancellationToken.None));
        var (_, hidden) = await Call("/cars/car-2/events", null);
        Assert.Empty(hidden["events"]!.AsArray());
        var (_, shown) = await Call("/cars/car-2/events", new() { ["withdrawn"] = "true" });
        Assert.True((bool)shown["events"]![0]!["withdrawn"]!);
    }

    private async Task<(int Status, JsonObject Body)> Call(string path, Dictionary<string, string>? query, object? claims = null, string method = "GET", string? body = null)
    {
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, query, claims ?? LambdaEvents.Claims(Operator, "operators", (LambdaEvents.SampleNowMs / 1000) + 3600), method))!.AsObject();
        if (body is not null)
        {
            evt["body"] = body;
            evt["isBase64Encoded"] = false;
        }

        using Stream output = await _api!.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        string text = (string?)response["body"] ?? string.Empty;
        return ((int)response["statusCode"]!, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }
}
