using Tracker.Cloud.Local.Fleet;
using Tracker.Core.Uplink;
using Tracker.Simulation.Car;
using Xunit.Abstractions;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Issue 19, the reconnect storm: the host holds a car's PUBACK until its batch is stored, so a store stalled past the
/// cars' PUBACK timeout (30 s in the simulated fleet) makes every PUBACK late. The cars still hear from the broker within
/// their keep-alive (60 s: silence means 90 s), so they wait on their connections: no reconnect, nothing sent twice, and
/// every fix stored once when the store is back (firmware/Tracker.Core/Uplink/README.md, "A late PUBACK").
/// </summary>
public sealed class LatePubackTests(ITestOutputHelper output)
{
    private const int Cars = 8;

    // Past the fleet's 30 s ack timeout, well inside its 90 s silence limit.
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task StoreStalledPastTheAckTimeout_CarsWaitOnTheirConnections_NoReconnect_NothingSentTwice()
    {
        using var folder = new TempFolder("tracker-late-puback-test-");
        string data = folder.Combine("data");
        (LocalFleetHost host, StallingFixStore store) = await LocalHostFixture.StartStallableAsync(data, Cars);
        FleetStopReport left;
        UplinkCounters[] counters;
        try
        {
            Assert.True(
                await Poll.UntilAsync(() => host.Metrics.DevicesConnected == Cars && host.Metrics.FixesAccepted >= 2 * Cars, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)),
                "the fleet did not start delivering: " + host.Metrics.DevicesConnected + " cars connected, " + host.Metrics.FixesAccepted + " fixes stored");
            counters = [.. host.Fleet!.Cars.Select(c => c.Counters)];
            long reconnectsBefore = counters.Sum(c => c.Reconnects);
            long timeoutsBefore = counters.Sum(c => c.AckTimeouts);

            var stalled = System.Diagnostics.Stopwatch.StartNew();
            store.Stall();
            bool waited = await Poll.UntilAsync(
                () => stalled.Elapsed >= Stall && counters.Sum(c => c.LateAcksWaited) > 0,
                Stall + TimeSpan.FromSeconds(20),
                TimeSpan.FromMilliseconds(200));
            string during = Describe(host.Fleet.Cars);
            long heldAtRelease = store.Held;
            store.Release();

            Assert.True(waited, "no car waited on a late PUBACK: " + during);
            Assert.True(heldAtRelease > 0, "nothing was held: " + during);
            Assert.Equal(reconnectsBefore, counters.Sum(c => c.Reconnects));
            Assert.Equal(timeoutsBefore, counters.Sum(c => c.AckTimeouts));
            Assert.All(host.Fleet.Cars, c => Assert.Equal(UplinkState.Connected, c.State));

            Assert.True(
                await Poll.UntilAsync(() => host.Metrics.IngestWaiting == 0 && counters.Sum(c => c.FixesCommitted) == counters.Sum(c => c.FixesSent), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)),
                "the backlog did not drain: " + Describe(host.Fleet.Cars));
            Assert.Equal(reconnectsBefore, counters.Sum(c => c.Reconnects));
            output.WriteLine($"store stalled {stalled.Elapsed.TotalSeconds:0} s: {counters.Sum(c => c.LateAcksWaited)} late PUBACKs waited for, {heldAtRelease} appends held; {Describe(host.Fleet.Cars)}");
        }
        finally
        {
            left = await host.StopAsync();
        }

        // Every fix the cars recorded is stored once, and none reached the host twice (a resend would be a duplicate).
        long stored = await StoredFixes.CountAsync(data, Cars);
        Assert.Equal(host.Fleet.FixesRecorded, stored + left.PendingFixes);
        Assert.False(host.Metrics.RejectedFixes.TryGetValue("duplicate", out long duplicates) && duplicates > 0, duplicates + " fixes reached the host twice");
    }

    private static string Describe(IReadOnlyList<SimulatedCar> cars) =>
        string.Join("; ", cars.Select(c => $"{c.CarId} {c.State} in flight {c.MessagesInFlight} reconnects {c.Counters.Reconnects} timeouts {c.Counters.AckTimeouts} late {c.Counters.LateAcksWaited}"));
}
