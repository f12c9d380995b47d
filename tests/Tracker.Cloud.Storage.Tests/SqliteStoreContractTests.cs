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
    public async Task Open_WithoutPath_FailsNamingTheKey()
    {
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => SqliteStore.OpenAsync(new SqliteStoreOptions { Path = " " }, CancellationToken.None));
        Assert.Contains("Sqlite:Path", e.Message, StringComparison.Ordinal);
    }
}
