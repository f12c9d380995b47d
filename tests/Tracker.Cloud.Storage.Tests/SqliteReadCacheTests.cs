using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Zones;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The zones, limits, a car's rentals and its odometer readings, which every Derive step reads, are kept in memory
/// between reads: a write through the store is read back at once, and a write by another store on the file (another
/// process) within a second.
/// </summary>
public sealed class SqliteReadCacheTests : IDisposable
{
    private readonly TempFolder _folder = new("tracker-readcache-");

    [Fact]
    public async Task WritesThroughTheStore_AreReadBackAtOnce_AfterAReadWasKept()
    {
        (SqliteStore fixes, SqliteDeriveStore derive, SqliteTripStore trips) = await OpenAsync();
        Assert.Empty(await derive.ListZonesAsync(CancellationToken.None));
        Assert.Empty(await derive.ListLimitsAsync(CancellationToken.None));
        Assert.Empty(await fixes.GetForCarAsync("car-1", CancellationToken.None));
        Assert.Empty(await trips.GetReadingsAsync("car-1", CancellationToken.None));

        await derive.PutZoneAsync(Depot(150), CancellationToken.None);
        await derive.PutLimitAsync(new LimitSetting(LimitScope.Car, "car-1", 25_000, 300_000, null), CancellationToken.None);
        await fixes.PutAsync(new Rental("car-1", "alice", 1000, 2000), CancellationToken.None);
        await trips.PutReadingAsync(new OdometerReading("car-1", 1500, 12_345, "ops"), CancellationToken.None);

        Assert.Equal(150, Assert.Single(await derive.ListZonesAsync(CancellationToken.None)).RadiusM);
        Assert.Equal("car:car-1", Assert.Single(await derive.ListLimitsAsync(CancellationToken.None)).Key);
        Assert.Equal("alice", Assert.Single(await fixes.GetForCarAsync("car-1", CancellationToken.None)).Renter);
        Assert.Equal(12_345, Assert.Single(await trips.GetReadingsAsync("car-1", CancellationToken.None)).ValueM);

        await derive.PutZoneAsync(Depot(250), CancellationToken.None);
        Assert.Equal(250, Assert.Single(await derive.ListZonesAsync(CancellationToken.None)).RadiusM);
        Assert.True(await derive.DeleteZoneAsync("depot", CancellationToken.None));
        Assert.Empty(await derive.ListZonesAsync(CancellationToken.None));
        await derive.PutLimitAsync(new LimitSetting(LimitScope.Car, "car-1", null, null, null), CancellationToken.None);
        Assert.Empty(await derive.ListLimitsAsync(CancellationToken.None));

        // Kept per car: another car's rentals are its own.
        Assert.Empty(await fixes.GetForCarAsync("car-2", CancellationToken.None));
    }

    [Fact]
    public async Task AWriteByAnotherStoreOnTheFile_IsReadWithinASecond()
    {
        (SqliteStore fixes, SqliteDeriveStore derive, _) = await OpenAsync();
        (SqliteStore otherFixes, SqliteDeriveStore other, _) = await OpenAsync();
        Assert.Empty(await derive.ListZonesAsync(CancellationToken.None));
        Assert.Empty(await fixes.GetForCarAsync("car-1", CancellationToken.None));

        await other.PutZoneAsync(Depot(150), CancellationToken.None);
        await otherFixes.PutAsync(new Rental("car-1", "alice", 1000, 2000), CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Single(await derive.ListZonesAsync(CancellationToken.None));
        Assert.Single(await fixes.GetForCarAsync("car-1", CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static Zone Depot(int radiusM) => new() { Id = "depot", Name = "Depot", Center = new GeoPoint(481_351_000, 115_820_000), RadiusM = radiusM };

    private async Task<(SqliteStore Fixes, SqliteDeriveStore Derive, SqliteTripStore Trips)> OpenAsync()
    {
        SqliteStore fixes = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        return (fixes, await SqliteDeriveStore.OpenAsync(fixes, CancellationToken.None), await SqliteTripStore.OpenAsync(fixes, CancellationToken.None));
    }
}
