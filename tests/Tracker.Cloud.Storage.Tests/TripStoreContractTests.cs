using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 17's trip store contract, run on every adapter: a step's write (delete what was decided again and not found,
/// upsert on start), paging, sums, readings.
/// </summary>
public abstract class TripStoreContractTests : IAsyncLifetime
{
    private ITripStore? _trips;
    private IOdometerReadingStore? _readings;

    /// <summary>The trips and stops under test.</summary>
    protected ITripStore Store => _trips!;

    /// <summary>The readings under test.</summary>
    protected IOdometerReadingStore Readings => _readings!;

    public async Task InitializeAsync() => (_trips, _readings) = await CreateAsync();

    public Task DisposeAsync() => DeleteAsync();

    /// <summary>Creates fresh, empty stores.</summary>
    /// <returns>Both ports (one adapter).</returns>
    protected abstract Task<(ITripStore Trips, IOdometerReadingStore Readings)> CreateAsync();

    /// <summary>Removes what <see cref="CreateAsync"/> made.</summary>
    /// <returns>A task.</returns>
    protected abstract Task DeleteAsync();

    [StoreFact]
    public async Task AStepRewritesWhatItDecidedAgain_DeletesWhatItNoLongerFinds_AndLeavesOlderRowsAlone()
    {
        await Store.ApplyAsync("car-1", long.MinValue, [Trip(1_000, decided: 2_000), Trip(5_000, decided: 6_000)], [Stop(2_000, null, decided: 2_000)], CancellationToken.None);

        // A replay from 5,500: the trip decided at 6,000 is found again with another end; one decided at 2,000 is untouched.
        await Store.ApplyAsync("car-1", 5_500, [Trip(5_000, decided: 7_000, end: 6_500)], [], CancellationToken.None);
        IReadOnlyList<Trip> trips = (await Store.QueryTripsAsync(new SpanQuery("car-1", 0, long.MaxValue, 100, null), CancellationToken.None)).Items;
        Assert.Equal([(1_000L, 1_900L), (5_000L, 6_500L)], trips.Select(t => (t.StartTs, t.EndTs)));

        // A replay from 0 that no longer finds the first trip deletes it (and the stop decided since), once.
        await Store.ApplyAsync("car-1", 0, [Trip(5_000, decided: 7_000, end: 6_500)], [], CancellationToken.None);
        await Store.ApplyAsync("car-1", 0, [Trip(5_000, decided: 7_000, end: 6_500)], [], CancellationToken.None);
        Assert.Equal([5_000L], (await Store.QueryTripsAsync(new SpanQuery("car-1", 0, long.MaxValue, 100, null), CancellationToken.None)).Items.Select(t => t.StartTs));
        Assert.Empty((await Store.QueryStopsAsync(new SpanQuery("car-1", 0, long.MaxValue, 100, null), CancellationToken.None)).Items);
    }

    [StoreFact]
    public async Task Pages_FollowTheCursor_AndAForeignCursorIsRefused()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, Enumerable.Range(0, 25).Select(i => Trip(i * 10_000L, decided: (i * 10_000L) + 5_000)).ToList(), [], CancellationToken.None);
        var query = new SpanQuery("car-1", 0, 1_000_000, 10, null);
        List<long> starts = [];
        string? cursor = null;
        do
        {
            Page<Trip> page = await Store.QueryTripsAsync(query with { Cursor = cursor }, CancellationToken.None);
            starts.AddRange(page.Items.Select(t => t.StartTs));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => i * 10_000L), starts);
        string first = (await Store.QueryTripsAsync(query, CancellationToken.None)).NextCursor!;
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryTripsAsync(query with { CarId = "car-2", Cursor = first }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryStopsAsync(query with { Cursor = first }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryTripsAsync(query with { Cursor = "%%%" }, CancellationToken.None));
    }

    [StoreFact]
    public async Task Sums_AddUpEachCarsTripsStartingInTheSpan()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [Trip(1_000, decided: 2_000), Trip(3_000, decided: 4_000), Trip(90_000, decided: 91_000)], [], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [Trip(2_000, decided: 3_000)], [], CancellationToken.None);
        IReadOnlyList<TripTotals> totals = await Store.SumTripsAsync(null, 0, 10_000, CancellationToken.None);
        Assert.Equal([new TripTotals("car-1", 2, 2_000, 0, 1_800, 20_000), new TripTotals("car-2", 1, 1_000, 0, 900, 20_000)], totals);
        Assert.Single(await Store.SumTripsAsync("car-2", 0, 10_000, CancellationToken.None));
    }

    [StoreFact]
    public async Task Readings_AreKeptPerCar_OldestFirst()
    {
        await Readings.PutReadingAsync(new OdometerReading("car-1", 2_000, 5_000, "op"), CancellationToken.None);
        await Readings.PutReadingAsync(new OdometerReading("car-1", 1_000, 4_000, "op"), CancellationToken.None);
        await Readings.PutReadingAsync(new OdometerReading("car-1", 2_000, 5_500, "op2"), CancellationToken.None);
        Assert.Equal([(1_000L, 4_000.0), (2_000L, 5_500.0)], (await Readings.GetReadingsAsync("car-1", CancellationToken.None)).Select(r => (r.AtTs, r.ValueM)));
        Assert.Empty(await Readings.GetReadingsAsync("car-2", CancellationToken.None));
    }

    [StoreFact]
    public async Task Stops_OverlappingTheSpan_AreListed_AnOpenOneOverlapsEveryLaterTime()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [], [Stop(1_000, 2_000, decided: 2_000), Stop(3_000, 9_000, decided: 9_000), Stop(20_000, null, decided: 20_000)], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [], [Stop(4_000, null, decided: 4_000)], CancellationToken.None);
        Page<Stop> page = await Store.QueryStopsAsync(new SpanQuery("car-1", 5_000, 1_000_000, 100, null), CancellationToken.None);
        Assert.Equal([(3_000L, (long?)9_000), (20_000L, null)], page.Items.Select(s => (s.StartTs, s.EndTs)));
        Assert.All(page.Items, s => Assert.Equal("car-1", s.CarId));
        Assert.Empty((await Store.QueryStopsAsync(new SpanQuery("car-1", 9_000, 20_000, 100, null), CancellationToken.None)).Items);
    }

    [StoreFact]
    public async Task FleetSums_CoverEveryDayTheSpanTouches_AndOnlyTripsStartingInIt()
    {
        const long Day = 86_400_000;
        long t0 = 1_780_000_000_000 - (1_780_000_000_000 % Day);
        await Store.ApplyAsync("car-1", long.MaxValue, [Trip(t0 + 1_000, decided: t0 + 2_000), Trip(t0 + Day - 1_000, decided: t0 + Day), Trip(t0 + (2 * Day) + 5, decided: t0 + (2 * Day) + 900)], [], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [Trip(t0 + Day + 7, decided: t0 + Day + 900), Trip(t0 + (3 * Day), decided: t0 + (3 * Day) + 900)], [], CancellationToken.None);
        IReadOnlyList<TripTotals> totals = await Store.SumTripsAsync(null, t0 + 2_000, t0 + (2 * Day) + 6, CancellationToken.None);
        Assert.Equal([("car-1", 2), ("car-2", 1)], totals.Select(t => (t.CarId, t.Trips)));
        Assert.Empty(await Store.SumTripsAsync(null, t0 + (4 * Day), t0 + (5 * Day), CancellationToken.None));
        Assert.Equal(3, (await Store.SumTripsAsync("car-1", t0, t0 + (3 * Day), CancellationToken.None)).Single().Trips);
    }

    [StoreFact]
    public async Task IdleSums_AddUpEachCarsStopsStartingInTheSpan_AndAStopWithoutIdleTimeCountsNothing()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [], [Stop(1_000, 2_000, 2_000) with { IdleMs = 300 }, Stop(3_000, 4_000, 4_000) with { IdleMs = 200 }, Stop(90_000, null, 90_000) with { IdleMs = 50 }], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [], [Stop(2_000, null, 2_000) with { CarId = "car-2" }], CancellationToken.None);
        await Store.ApplyAsync("car-3", long.MaxValue, [], [Stop(5_000, null, 5_000) with { CarId = "car-3", IdleMs = 7 }], CancellationToken.None);

        IReadOnlyDictionary<string, long> idle = await Store.SumIdleAsync(null, 0, 10_000, CancellationToken.None);
        Assert.Equal([("car-1", 500L), ("car-3", 7L)], idle.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(500L, Assert.Single(await Store.SumIdleAsync("car-1", 0, 10_000, CancellationToken.None)).Value);
        Assert.Empty(await Store.SumIdleAsync("car-2", 0, 10_000, CancellationToken.None));
    }

    [StoreFact]
    public async Task IdleSums_FollowRevisions_SpanDays_AndNeverCountATripsFigures()
    {
        const long Day = 86_400_000;
        long t = 1_780_000_000_000 / Day * Day;
        await Store.ApplyAsync("car-1", long.MaxValue, [Trip(t + 10_000, decided: t + 11_000)], [Stop(t + 1_000, t + 10_000, t + 10_000) with { IdleMs = 4_000 }, Stop(t + Day + 5_000, null, t + Day + 5_000) with { IdleMs = 600 }], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [], [Stop(t + 500, null, t + 500) with { CarId = "car-2", IdleMs = 90 }], CancellationToken.None);

        // Day by day, and over both days; a span that starts after a stop's start leaves it out.
        Assert.Equal([("car-1", 4_000L), ("car-2", 90L)], Sorted(await Store.SumIdleAsync(null, t, t + Day, CancellationToken.None)));
        Assert.Equal([("car-1", 600L)], Sorted(await Store.SumIdleAsync(null, t + Day, t + (2 * Day), CancellationToken.None)));
        Assert.Equal([("car-1", 4_600L), ("car-2", 90L)], Sorted(await Store.SumIdleAsync(null, t, t + (2 * Day), CancellationToken.None)));
        Assert.Equal([("car-1", 600L)], Sorted(await Store.SumIdleAsync(null, t + 1_001, t + (2 * Day), CancellationToken.None)));
        Assert.Empty(await Store.SumIdleAsync(null, t + 10, t + 10, CancellationToken.None));

        // Late data revises a stop to no idle time, and another one to more: the sums follow, for one car and the fleet.
        await Store.ApplyAsync("car-1", t, [Trip(t + 10_000, decided: t + 11_000)], [Stop(t + 1_000, t + 10_000, t + 10_000), Stop(t + Day + 5_000, null, t + Day + 5_000) with { IdleMs = 700 }], CancellationToken.None);
        Assert.Equal([("car-1", 700L), ("car-2", 90L)], Sorted(await Store.SumIdleAsync(null, t, t + (2 * Day), CancellationToken.None)));
        Assert.Equal([("car-1", 700L)], Sorted(await Store.SumIdleAsync("car-1", t, t + (2 * Day), CancellationToken.None)));
        Assert.Equal([("car-2", 90L)], Sorted(await Store.SumIdleAsync(null, t, t + Day, CancellationToken.None)));

        // The trips' sums are untouched by the stops beside them.
        TripTotals trips = Assert.Single(await Store.SumTripsAsync(null, t, t + (2 * Day), CancellationToken.None));
        Assert.Equal(("car-1", 1), (trips.CarId, trips.Trips));
    }

    private static (string, long)[] Sorted(IReadOnlyDictionary<string, long> sums) =>
        [.. sums.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value))];

    protected static Trip Trip(long start, long decided, long? end = null) => new()
    {
        CarId = "car-1",
        StartTs = start,
        EndTs = end ?? start + 900,
        DistanceM = 1_000,
        MaxSpeedMmps = 20_000,
        DecidedTs = decided,
    };

    protected static Stop Stop(long start, long? end, long decided) => new() { CarId = "car-1", StartTs = start, EndTs = end, DecidedTs = decided };
}

/// <summary>The contract on SQLite.</summary>
public sealed class SqliteTripStoreTests : TripStoreContractTests
{
    private readonly TempFolder _folder = new("tracker-trips-");

    /// <inheritdoc />
    protected override async Task<(ITripStore Trips, IOdometerReadingStore Readings)> CreateAsync()
    {
        SqliteStore fixes = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        SqliteTripStore store = await SqliteTripStore.OpenAsync(fixes, CancellationToken.None);
        return (store, store);
    }

    /// <inheritdoc />
    protected override Task DeleteAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The contract on DynamoDB (dynalite), each test on its own table, and what a corrupt stored item gives.</summary>
public sealed class DynamoDbTripStoreTests(DynaliteServer server) : TripStoreContractTests, IClassFixture<DynaliteServer>, INeedsDynalite
{
    private readonly string _table = "t" + Guid.NewGuid().ToString("N")[..12] + "-trips";
    private AmazonDynamoDBClient? _client;

    /// <inheritdoc />
    protected override async Task<(ITripStore Trips, IOdometerReadingStore Readings)> CreateAsync()
    {
        _client = server.CreateClient();
        await DynamoDbTripStore.EnsureCreatedAsync(_client, _table, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbTripStore(_client, _table);
        return (store, store);
    }

    /// <inheritdoc />
    protected override async Task DeleteAsync()
    {
        if (_client is not null)
        {
            await _client.DeleteTableAsync(_table);
            _client.Dispose();
        }
    }

    [StoreFact]
    public async Task ACorruptTripItem_IsAClearErrorNamingItAndTheAttribute_NeverAnInventedTrip()
    {
        (string Attribute, string? Value, string Expected)[] cases =
        [
            ("body", null, "missing"),
            ("body", "S:{\"carId\":", "does not parse"),
            ("body", "N:12", "not a string"),
            ("body", "S:{\"carId\":\"car-1\",\"startTs\":7}", "another trip"),
            ("startTs", "S:1000", "not an integer"),
            ("distanceM", null, "missing"),
            ("distanceM", "S:far", "not a number"),
            ("endTs", "N:12", "out of range"),
        ];
        long start = 1_780_000_000_000;
        var query = new SpanQuery("car-1", 0, long.MaxValue, 10, null);
        foreach ((string attribute, string? value, string expected) in cases)
        {
            await Store.ApplyAsync("car-1", 0, [Trip(start, decided: start + 1_000)], [], CancellationToken.None);
            Assert.Single((await Store.QueryTripsAsync(query, CancellationToken.None)).Items);
            await CorruptAsync("trip#" + start.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), attribute, value);
            bool inBody = attribute == "body";
            InvalidDataException e = inBody
                ? await Assert.ThrowsAsync<InvalidDataException>(() => Store.QueryTripsAsync(query, CancellationToken.None))
                : await Assert.ThrowsAsync<InvalidDataException>(() => Store.SumTripsAsync("car-1", 0, long.MaxValue, CancellationToken.None));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.Contains("car-1", e.Message, StringComparison.Ordinal);
            Assert.Contains("'" + attribute + "'", e.Message, StringComparison.Ordinal);
            if (!inBody)
            {
                await Assert.ThrowsAsync<InvalidDataException>(() => Store.SumTripsAsync(null, 0, start + 1, CancellationToken.None));
            }
        }
    }

    [StoreFact]
    public async Task ACorruptStopOrReading_IsAClearError()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [], [Stop(5_000, null, decided: 5_000)], CancellationToken.None);
        await Readings.PutReadingAsync(new OdometerReading("car-1", 2_000, 5_000, "op"), CancellationToken.None);
        await CorruptAsync("stop#" + 5_000L.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "body", "S:[]");
        await CorruptAsync("odometer#" + 2_000L.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "valueM", "S:lots");
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.QueryStopsAsync(new SpanQuery("car-1", 0, long.MaxValue, 10, null), CancellationToken.None));
        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => Readings.GetReadingsAsync("car-1", CancellationToken.None));
        Assert.Contains("'valueM' is not a number", e.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task IdleSums_ACorruptIdleTimeIsAClearError_AndAStopWrittenBeforeTheAttributeCountsFromItsBody()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [], [Stop(5_000, 6_000, decided: 6_000) with { IdleMs = 250 }, Stop(7_000, null, decided: 7_000) with { IdleMs = 40 }], CancellationToken.None);

        // A stop item as the store wrote it before idle sums: no idleMs attribute and no day index keys, the idle in the body.
        await CorruptAsync("stop#" + 7_000L.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "idleMs", null);
        await CorruptAsync("stop#" + 7_000L.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "day", null);
        Assert.Equal(290L, Assert.Single(await Store.SumIdleAsync("car-1", 0, 10_000, CancellationToken.None)).Value);

        foreach ((string value, string expected) in new[] { ("N:-3", "'idleMs' is out of range"), ("S:long", "'idleMs' is not an integer") })
        {
            await CorruptAsync("stop#" + 5_000L.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "idleMs", value);
            InvalidDataException one = await Assert.ThrowsAsync<InvalidDataException>(() => Store.SumIdleAsync("car-1", 0, 10_000, CancellationToken.None));
            Assert.Contains(expected, one.Message, StringComparison.Ordinal);
            Assert.Contains("car-1", one.Message, StringComparison.Ordinal);
            InvalidDataException fleet = await Assert.ThrowsAsync<InvalidDataException>(() => Store.SumIdleAsync(null, 0, 10_000, CancellationToken.None));
            Assert.Contains(expected, fleet.Message, StringComparison.Ordinal);
        }
    }

    [StoreFact]
    public async Task ATripBefore1970_IsRefused_NotStoredUnderAMisorderedKey()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ApplyAsync("car-1", long.MaxValue, [Trip(-5, decided: 0)], [], CancellationToken.None));
        Assert.Empty((await Store.QueryTripsAsync(new SpanQuery("car-1", long.MinValue, long.MaxValue, 10, null), CancellationToken.None)).Items);
    }

    private async Task CorruptAsync(string itemKey, string attribute, string? value)
    {
        var key = new Dictionary<string, AttributeValue> { ["carId"] = new() { S = "car-1" }, ["itemKey"] = new() { S = itemKey } };
        if (value is null)
        {
            await _client!.UpdateItemAsync(new UpdateItemRequest { TableName = _table, Key = key, UpdateExpression = "REMOVE #a", ExpressionAttributeNames = new() { ["#a"] = attribute } });
            return;
        }

        AttributeValue v = value[0] == 'N' ? new AttributeValue { N = value[2..] } : new AttributeValue { S = value[2..] };
        await _client!.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = key,
            UpdateExpression = "SET #a = :v",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = v },
        });
    }
}
