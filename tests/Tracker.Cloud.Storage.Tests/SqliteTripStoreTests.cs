using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>Issue 17's trip store on SQLite: a step's write (delete what was decided again and not found, upsert on start), paging, sums, readings.</summary>
public sealed class SqliteTripStoreTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("tracker-trips-");
    private SqliteTripStore? _store;

    private SqliteTripStore Store => _store!;

    public async Task InitializeAsync()
    {
        SqliteStore fixes = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        _store = await SqliteTripStore.OpenAsync(fixes, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
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

    [Fact]
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

    [Fact]
    public async Task Sums_AddUpEachCarsTripsStartingInTheSpan()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [Trip(1_000, decided: 2_000), Trip(3_000, decided: 4_000), Trip(90_000, decided: 91_000)], [], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [Trip(2_000, decided: 3_000)], [], CancellationToken.None);
        IReadOnlyList<TripTotals> totals = await Store.SumTripsAsync(null, 0, 10_000, CancellationToken.None);
        Assert.Equal([new TripTotals("car-1", 2, 2_000, 0, 1_800, 20_000), new TripTotals("car-2", 1, 1_000, 0, 900, 20_000)], totals);
        Assert.Single(await Store.SumTripsAsync("car-2", 0, 10_000, CancellationToken.None));
    }

    [Fact]
    public async Task IdleSums_AddUpEachCarsStopsStartingInTheSpan_AndAStopWithoutIdleTimeCountsNothing()
    {
        await Store.ApplyAsync("car-1", long.MaxValue, [], [Stop(1_000, 2_000, 2_000) with { IdleMs = 300 }, Stop(3_000, 4_000, 4_000) with { IdleMs = 200 }, Stop(90_000, null, 90_000) with { IdleMs = 50 }], CancellationToken.None);
        await Store.ApplyAsync("car-2", long.MaxValue, [], [Stop(2_000, null, 2_000)], CancellationToken.None);
        await Store.ApplyAsync("car-3", long.MaxValue, [], [Stop(5_000, null, 5_000) with { IdleMs = 7 }], CancellationToken.None);

        IReadOnlyDictionary<string, long> idle = await Store.SumIdleAsync(null, 0, 10_000, CancellationToken.None);
        Assert.Equal([("car-1", 500L), ("car-3", 7L)], idle.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(500L, Assert.Single(await Store.SumIdleAsync("car-1", 0, 10_000, CancellationToken.None)).Value);
        Assert.Empty(await Store.SumIdleAsync("car-2", 0, 10_000, CancellationToken.None));
    }

    [Fact]
    public async Task Readings_AreKeptPerCar_OldestFirst()
    {
        await Store.PutReadingAsync(new OdometerReading("car-1", 2_000, 5_000, "op"), CancellationToken.None);
        await Store.PutReadingAsync(new OdometerReading("car-1", 1_000, 4_000, "op"), CancellationToken.None);
        await Store.PutReadingAsync(new OdometerReading("car-1", 2_000, 5_500, "op2"), CancellationToken.None);
        Assert.Equal([(1_000L, 4_000.0), (2_000L, 5_500.0)], (await Store.GetReadingsAsync("car-1", CancellationToken.None)).Select(r => (r.AtTs, r.ValueM)));
        Assert.Empty(await Store.GetReadingsAsync("car-2", CancellationToken.None));
    }

    private static Trip Trip(long start, long decided, long? end = null) => new()
    {
        CarId = "car-1",
        StartTs = start,
        EndTs = end ?? start + 900,
        DistanceM = 1_000,
        MaxSpeedMmps = 20_000,
        DecidedTs = decided,
    };

    private static Stop Stop(long start, long? end, long decided) => new() { CarId = "car-1", StartTs = start, EndTs = end, DecidedTs = decided };
}
