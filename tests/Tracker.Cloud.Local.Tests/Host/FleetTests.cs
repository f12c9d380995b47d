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
        long stored = await StoredFixes.CountAsync(data, cars: 4);

        // Every fix a car recorded up to the stop is stored (the cars may record a few more before they stop driving).
        Assert.True(stored + left.PendingFixes >= recorded, "stored " + stored + " of " + recorded + " recorded fixes");
        Assert.Equal(host.Fleet.FixesRecorded, stored + left.PendingFixes);
    }
}
