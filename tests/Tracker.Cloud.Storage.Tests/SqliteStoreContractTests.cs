using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>The contract on the SQLite adapter, each test on its own temporary database file, plus retention.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempFolder _folder = new("tracker-sqlite-");

    /// <inheritdoc />
    protected override async Task<(IFixStore Fixes, IRentalStore Rentals)> CreateStoreAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        return (store, store);
    }

    /// <inheritdoc />
    protected override Task DeleteStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Append_PurgesFixesOlderThanTheRetention_ButKeepsTheLatest()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(T0));
        SqliteStore store = await SqliteStore.OpenAsync(
            new SqliteStoreOptions { Path = _folder.Combine("retention.db"), Clock = clock, PurgeInterval = TimeSpan.Zero },
            CancellationToken.None);
        long day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
        StoredFix old = MakeFix("car-1", T0 - (31 * day));
        StoredFix edge = MakeFix("car-1", T0 - (30 * day));
        StoredFix recent = MakeFix("car-1", T0 - day);
        await store.AdvanceLatestAsync(old, CancellationToken.None);

        AppendResult result = await store.AppendAsync("car-1", [old, edge, recent], CancellationToken.None);

        Assert.Equal(new AppendResult(3, 0), result);
        FixPage page = await store.QueryAsync("car-1", long.MinValue, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal([edge.Ts, recent.Ts], page.Fixes.Select(f => f.Ts));
        Assert.Equal(old, await store.GetLatestAsync("car-1", CancellationToken.None));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await store.PurgeExpiredAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Open_ExistingFile_KeepsItsData()
    {
        string path = _folder.Combine("reopen.db");
        SqliteStore first = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path }, CancellationToken.None);
        await first.AppendAsync("car-1", [MakeFix("car-1", T0)], CancellationToken.None);

        SqliteStore second = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path }, CancellationToken.None);

        Assert.Equal(new AppendResult(0, 1), await second.AppendAsync("car-1", [MakeFix("car-1", T0)], CancellationToken.None));
    }

    [Fact]
    public async Task Open_AFileOfThePreviousSchema_ReadsItsFixesAndWritesWithoutTheOldOdometerColumn()
    {
        // The schema before issue 17 moved the odometer into Derive: fixes and latest had an odometer_m column that
        // ingest filled. Such a file opens, its rows read, and new rows go in with the column left null.
        string path = _folder.Combine("previous-schema.db");
        const string OldColumns = """
            car_id TEXT NOT NULL, ts INTEGER NOT NULL, lat_e7 INTEGER NOT NULL, lon_e7 INTEGER NOT NULL, alt_cm INTEGER,
            speed_mmps INTEGER, course_cdeg INTEGER, hdop_x100 INTEGER, satellites INTEGER, mode INTEGER NOT NULL,
            quality INTEGER NOT NULL, speed_derived INTEGER NOT NULL, odometer_m INTEGER, moving INTEGER NOT NULL,
            received_ms INTEGER NOT NULL
            """;
        string oldRow = $"('car-1', {T0}, 395296417, -1198136462, -4150, 12000, 35999, 117, 8, 3, 2, 1, 4242, 1, {T0 + 500})";
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path))
        {
            old.Open();
            using Microsoft.Data.Sqlite.SqliteCommand create = old.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE fixes ({OldColumns}, PRIMARY KEY (car_id, ts)) WITHOUT ROWID;
                CREATE INDEX fixes_by_ts ON fixes (ts);
                CREATE TABLE latest ({OldColumns.Replace("car_id TEXT NOT NULL,", "car_id TEXT NOT NULL PRIMARY KEY,", StringComparison.Ordinal)}) WITHOUT ROWID;
                CREATE TABLE rentals (car_id TEXT NOT NULL, renter TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, PRIMARY KEY (car_id, renter, from_ms)) WITHOUT ROWID;
                INSERT INTO fixes VALUES {oldRow};
                INSERT INTO latest VALUES {oldRow};
                """;
            create.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path }, CancellationToken.None);

        var kept = new StoredFix("car-1", T0, 395296417, -1198136462, -4150, 12000, 35999, 117, 8, 3, 2, true, true, T0 + 500);
        FixPage page = await store.QueryAsync("car-1", long.MinValue, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal([kept], page.Fixes);
        Assert.Equal(kept, await store.GetLatestAsync("car-1", CancellationToken.None));

        StoredFix next = kept with { Ts = T0 + 1000, ReceivedMs = T0 + 1500, Moving = false };
        Assert.Equal(new AppendResult(1, 1), await store.AppendAsync("car-1", [kept, next], CancellationToken.None));
        Assert.True(await store.AdvanceLatestAsync(next, CancellationToken.None));
        Assert.Equal(next, await store.GetLatestAsync("car-1", CancellationToken.None));
        Assert.Equal(kept, await store.GetBeforeAsync("car-1", T0 + 1000, CancellationToken.None));

        using var check = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path);
        check.Open();
        using Microsoft.Data.Sqlite.SqliteCommand odometers = check.CreateCommand();
        odometers.CommandText = "SELECT ts, odometer_m FROM fixes ORDER BY ts;";
        using Microsoft.Data.Sqlite.SqliteDataReader reader = odometers.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(4242, reader.GetInt64(1));
        Assert.True(reader.Read());
        Assert.True(reader.IsDBNull(1));
    }

    [Fact]
    public async Task Open_ANewFile_HasNoOdometerColumn()
    {
        string path = _folder.Combine("new-schema.db");
        await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = path }, CancellationToken.None);

        using var check = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path);
        check.Open();
        using Microsoft.Data.Sqlite.SqliteCommand columns = check.CreateCommand();
        columns.CommandText = "SELECT name FROM pragma_table_info('fixes') UNION ALL SELECT name FROM pragma_table_info('latest');";
        var names = new List<string>();
        using Microsoft.Data.Sqlite.SqliteDataReader reader = columns.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        Assert.Contains("received_ms", names);
        Assert.DoesNotContain("odometer_m", names);
    }

    [Fact]
    public async Task Open_WithoutPath_FailsNamingTheKey()
    {
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => SqliteStore.OpenAsync(new SqliteStoreOptions { Path = " " }, CancellationToken.None));
        Assert.Contains("Sqlite:Path", e.Message, StringComparison.Ordinal);
    }
}
