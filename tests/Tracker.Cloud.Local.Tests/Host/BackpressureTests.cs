using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Ingest;
using Xunit.Abstractions;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Issue 19, "Backpressure instead of collapse": simulated cars (the firmware core, each with its own certificate and
/// mutual-TLS connection) against a host whose store stops keeping up. The broker sends a car's PUBACK only once its batch
/// is stored, so past saturation the PUBACKs wait, the cars' FixLogs hold what is not acknowledged, and the host holds at
/// most one message a car connection; once the store is back, every fix goes in once.
/// </summary>
public sealed class BackpressureTests(ITestOutputHelper output)
{
    // Half or so are driving at any time (the others are parked at the start of their routes), and more than
    // IngestGate.MaxConcurrent (16) must be publishing for messages to wait for an ingest slot.
    private const int Cars = 48;

    [Fact]
    public async Task PastSaturation_PubAcksWait_TheCarsLogsHoldTheFixes_AndAfterwardsEveryFixIsStoredOnce()
    {
        using var folder = new TempFolder("tracker-backpressure-test-");
        string data = folder.Combine("data");
        (LocalFleetHost host, StallingFixStore store) = await LocalHostFixture.StartStallableAsync(data, Cars);
        FleetStopReport left;
        long recorded;
        try
        {
            Assert.True(
                await Poll.UntilAsync(() => host.Metrics.DevicesConnected == Cars && host.Metrics.FixesAccepted >= 2 * Cars, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)),
                "the fleet did not start delivering: " + host.Metrics.DevicesConnected + " cars connected, " + host.Metrics.FixesAccepted + " fixes stored");

            // Saturation, made deterministic: the store takes nothing while the cars go on recording and publishing.
            long pendingBefore = host.Fleet!.PendingFixes;
            long appendedAtStall = store.Appended;
            var stalled = System.Diagnostics.Stopwatch.StartNew();
            store.Stall();
            bool saturated = await Poll.UntilAsync(
                () => store.Held == IngestGate.MaxConcurrent && host.Metrics.IngestWaiting >= 1 && host.Fleet.PendingFixes >= pendingBefore + (2 * Cars),
                TimeSpan.FromSeconds(30),
                TimeSpan.FromMilliseconds(50));
            long pendingStalled = host.Fleet.PendingFixes;
            long appendedStalled = store.Appended;
            long waitingStalled = host.Metrics.IngestWaiting;
            string heldCars = store.HeldCars;
            string cars = string.Join("; ", host.Fleet.Cars.Select(c => c.CarId + " " + c.State + " pending " + c.PendingFixes + " in flight " + c.MessagesInFlight));
            store.Release();
            long stallMs = stalled.ElapsedMilliseconds;

            Assert.True(saturated, "not saturated: " + store.Held + " appends held, " + waitingStalled + " messages waiting, the logs held " + pendingStalled + " (" + pendingBefore + " before); held for " + heldCars + "; " + cars);
            // Nothing reached the store meanwhile but appends already past the gate: no PUBACK went out for the rest...
            Assert.InRange(appendedStalled - appendedAtStall, 0, IngestGate.MaxConcurrent);
            // ...and the cars' logs held what was not acknowledged.
            Assert.True(pendingStalled >= pendingBefore + (2 * Cars), "the logs held " + pendingStalled + " fixes (" + pendingBefore + " before)");
            // The host held its ingest slots, one message a car in each, and the rest waited at most one a connection: no queue
            // grew with the backlog.
            Assert.Equal(IngestGate.MaxConcurrent, store.HeldPeak);
            Assert.Equal(1, store.HeldOneCarPeak);
            Assert.InRange(host.Metrics.IngestWaitingPeak, 1, Cars);

            // The store is back: the backlog drains, the host's queue empties, the PUBACKs that waited longest tell the stall.
            Assert.True(
                await Poll.UntilAsync(() => host.Fleet.PendingFixes <= pendingBefore + Cars && host.Metrics.IngestWaiting == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)),
                "the backlog did not drain: the logs hold " + host.Fleet.PendingFixes + " fixes, " + host.Metrics.IngestWaiting + " messages wait");
            double slowestMs = host.Metrics.PublishToStored.Quantiles(1.0)[0];
            Assert.True(slowestMs >= stallMs / 2.0, "the slowest publish to stored took " + slowestMs + " ms over a " + stallMs + " ms stall");
            Assert.InRange(host.Metrics.IngestWaitingPeak, 1, Cars);
            Assert.Equal(0, host.Metrics.IngestFailures);
            output.WriteLine($"stall {stallMs} ms: the logs held {pendingStalled} fixes ({pendingBefore} before), {store.HeldPeak} appends held, {waitingStalled} messages waiting (peak {host.Metrics.IngestWaitingPeak}) of {Cars} cars; slowest publish to stored {slowestMs:0} ms");
        }
        finally
        {
            recorded = host.Fleet!.FixesRecorded;
            left = await host.StopAsync();
        }

        // Every fix the cars recorded is stored exactly once (a fix is keyed on car and time, so a batch sent again after
        // a PUBACK timeout is one row) or, for a car in a simulated dead zone, still in its log for the next run.
        Assert.Equal(left.FixesInDeadZones, left.PendingFixes);
        long stored = await StoredFixes.CountAsync(data, Cars);
        Assert.Equal(host.Fleet.FixesRecorded, stored + left.PendingFixes);
        Assert.True(host.Fleet.FixesRecorded >= recorded);
        output.WriteLine($"recorded {host.Fleet.FixesRecorded}, stored {stored}, left in dead zones {left.PendingFixes}; fixes refused by ingest's filters (a resent batch's are duplicates): {string.Join(", ", host.Metrics.RejectedFixes.Select(p => p.Key + "=" + p.Value))}");
    }
}
