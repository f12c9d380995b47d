using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Security;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>The simulated fleet against the host: cars provisioned, connected, delivering, and a clean stop.</summary>
public sealed class FleetTests
{
    [Fact]
    public async Task SimulatedCars_Deliver_AndACleanStopLosesNoRecordedFix()
    {
        using var folder = new TempFolder("tracker-fleet-test-");
        string data = folder.Combine("data");
        LocalFleetHost host = await LocalHostFixture.StartAsync(data, cars: 4);
        await Poll.UntilAsync(() => host.Metrics.FixesAccepted >= 20, TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(200));

        Assert.True(host.Metrics.FixesAccepted >= 20, "the fleet stored " + host.Metrics.FixesAccepted + " fixes in 40 s");
        Assert.Equal(4, host.Fleet!.Cars.Count);

        long recorded = host.Fleet.FixesRecorded;
        var left = await host.StopAsync();

        // A car in a simulated dead zone keeps its fixes in flash for the next run; every other one is delivered.
        Assert.Equal(left.FixesInDeadZones, left.PendingFixes);
        long stored = 0;
        SqliteReopen store = await SqliteReopen.OpenAsync(data);
        for (int i = 1; i <= 4; i++)
        {
            stored += await store.CountAsync(CarIds.Of(i));
        }

        // Every fix a car recorded up to the stop is stored (the cars may record a few more before they stop driving).
        Assert.True(stored + left.PendingFixes >= recorded, "stored " + stored + " of " + recorded + " recorded fixes");
        Assert.Equal(host.Fleet.FixesRecorded, stored + left.PendingFixes);
    }

    private sealed class SqliteReopen(Tracker.Cloud.Sqlite.SqliteStore store)
    {
        public static async Task<SqliteReopen> OpenAsync(string data) =>
            new(await Tracker.Cloud.Sqlite.SqliteStore.OpenAsync(new Tracker.Cloud.Sqlite.SqliteStoreOptions { Path = Path.Combine(data, "tracker.db") }, CancellationToken.None));

        public async Task<long> CountAsync(string carId)
        {
            long count = 0;
            string? cursor = null;
            do
            {
                FixPage page = await store.QueryAsync(carId, 0, long.MaxValue, 1000, cursor, CancellationToken.None);
                count += page.Fixes.Count;
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            return count;
        }
    }
}
