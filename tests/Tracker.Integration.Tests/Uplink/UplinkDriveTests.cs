using Tracker.Core.Uplink;
using Tracker.Integration.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Integration.Tests.Uplink;

/// <summary>
/// The firmware's uplink engine and FixLog (on a folder) over the host link, against a real
/// mosquitto with mutual TLS and the fleet ACL: the expected result, that the subscriber has
/// every recorded fix exactly once after dedupe by (car, ts), in order within each batch, and that
/// every FixLog ends empty, with and without faults. Each run prints its accounting (lost and
/// duplicated fixes, raw and after dedupe).
/// </summary>
public sealed class UplinkDriveTests(ITestOutputHelper output)
{
    private const int Cars = 3;

    [MosquittoFact]
    public void Qos1_EveryRecordedFixArrivesExactlyOnce_AndTheLogsEndEmpty()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var run = new FleetScenario(pki, broker, Drive.Load(Drive.DemoPath, policy: false), Cars, viaProxy: false, UplinkSetups.Default, seed: 1);

        run.RunDrive();
        bool settled = run.Drain();

        output.WriteLine(run.Summary("no faults"));
        Assert.True(settled, "the logs did not drain:\n" + run.Summary("no faults") + "\n" + broker.RecentLog);
        AssertEveryFixOnce(run, rawDuplicatesAllowed: false);
    }

    [MosquittoFact]
    public void Qos1_CommitsOnlyAfterPuback()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var run = new FleetScenario(pki, broker, Drive.Load(Drive.DemoPath, policy: false), 1, viaProxy: true, UplinkSetups.Default, seed: 2);
        CarRig car = run.Cars[0];
        for (int i = 0; i < 10; i++)
        {
            run.Step();
        }

        Assert.True(car.Engine.Counters.FixesCommitted > 0);
        long committed = car.Engine.Counters.FixesCommitted;
        int received = run.Subscriber.RawFixes(car.CarId).Count();

        // PUBACKs are held back (the broker still gets and forwards every PUBLISH): nothing more is
        // committed, although the subscriber has the fixes.
        run.Proxy!.HoldDownstream();
        for (int i = 0; i < 20; i++)
        {
            run.Step();
        }

        Assert.True(Poll.Until(
            () =>
            {
                run.Subscriber.Drain();
                return run.Subscriber.RawFixes(car.CarId).Count() > received;
            },
            TestLinks.Patience));
        Assert.Equal(committed, car.Engine.Counters.FixesCommitted);
        Assert.True(car.Log.PendingCount >= run.Subscriber.RawFixes(car.CarId).Count() - committed);

        // The PUBACKs arrive: the batches are committed and the log drains.
        run.Proxy.ReleaseDownstream();
        run.RunDrive();
        Assert.True(run.Drain());
        output.WriteLine(run.Summary("PUBACKs held for 20 s"));
        AssertEveryFixOnce(run, rawDuplicatesAllowed: false);
    }

    [MosquittoTheory]
    [InlineData(3)]
    [InlineData(4)]
    public void BrokerKilledAndRestartedMidDrive_NothingIsLost(int seed)
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        Drive drive = Drive.Load(Drive.DemoPath, policy: false);

        // The cars reach the broker through the relay, which is never cut here: it only holds
        // PUBACKs back before some of the kills.
        using var run = new FleetScenario(pki, broker, drive, Cars, viaProxy: true, UplinkSetups.Default, seed);
        var random = new Random(seed);
        int steps = (int)((drive.EndMs - drive.StartMs) / FleetScenario.StepMs);
        var kills = new Queue<int>(Enumerable.Range(0, 3).Select(i => (steps / 4 * (i + 1)) + random.Next(-40, 40)));
        int restartAt = -1;
        int killed = 0;
        int heldKills = 0;
        bool holding = false;
        int heldSince = 0;

        run.RunDrive(step =>
        {
            if (step == restartAt)
            {
                // Same port, same files. The operator is back before any car: what the dead
                // broker never forwarded must come again from the cars' logs.
                broker.Restart();
                run.Subscriber.Reconnect();
            }
            else if (holding)
            {
                // A held kill, once a tick has published with the PUBACKs held (at most 10 steps
                // on): the broker has had these PUBLISHes, forwarded them to the operator and
                // acknowledged them, but no PUBACK reached a car. The cars must send them again
                // (duplicates, removed by the dedupe), and lose nothing.
                if (!InFlight(run) && step < heldSince + 10)
                {
                    return;
                }

                Kill(step);
                run.Proxy!.ReleaseDownstream();
                holding = false;
                heldKills++;
            }
            else if (broker.IsRunning && kills.Count > 0 && step >= kills.Peek()
                && ((InFlight(run) && run.Cars.All(c => c.Engine.State == UplinkState.Connected)) || step >= kills.Peek() + 60))
            {
                // Each kill waits (up to 60 steps) for every car to be connected and a tick that
                // left messages in flight.
                kills.Dequeue();
                if (random.Next(2) == 0)
                {
                    run.Proxy!.HoldDownstream();
                    holding = true;
                    heldSince = step;
                }
                else
                {
                    // A plain kill a random fraction of a millisecond after a tick that left
                    // messages in flight.
                    Thread.SpinWait(random.Next(0, 50_000));
                    Kill(step);
                }
            }
        });

        if (!broker.IsRunning)
        {
            broker.Restart();
            run.Subscriber.Reconnect();
        }

        bool settled = run.Drain();
        output.WriteLine(run.Summary($"broker killed {killed} times, {heldKills} with PUBACKs held (seed {seed})"));
        Assert.Equal(3, killed);
        Assert.True(settled, "the logs did not drain:\n" + run.Summary("broker restarts") + "\n" + broker.RecentLog);
        AssertEveryFixOnce(run, rawDuplicatesAllowed: true);
        Assert.All(run.Cars, c => Assert.True(c.Engine.Counters.ConnectionsLost >= 1));

        void Kill(int step)
        {
            broker.Kill();
            killed++;
            restartAt = step + random.Next(2, 90);
        }
    }

    [MosquittoTheory]
    [InlineData(11)]
    [InlineData(12)]
    public void FlappingLink_NothingIsLost(int seed)
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var run = new FleetScenario(pki, broker, Drive.Load(Drive.DemoPath, policy: false), Cars, viaProxy: true, UplinkSetups.Default, seed);
        var random = new Random(seed);
        int restoreAt = -1;
        int cuts = 0;

        run.RunDrive(step =>
        {
            // Cuts favour ticks that left messages in flight (the interesting moments).
            if (run.Proxy!.IsUp && random.NextDouble() < (InFlight(run) ? 0.15 : 0.02))
            {
                // Cut at a random moment after the tick: before the broker has a PUBLISH, after
                // it has it but before the PUBACK is back, or after.
                Thread.SpinWait(random.Next(0, 50_000));
                run.Proxy.Cut();
                cuts++;
                restoreAt = step + random.Next(1, 30);
            }
            else if (!run.Proxy.IsUp && step >= restoreAt)
            {
                run.Proxy.Restore();
            }
        });

        run.Proxy!.Restore();
        bool settled = run.Drain();
        output.WriteLine(run.Summary($"flapping link, {cuts} cuts (seed {seed})"));
        Assert.True(cuts >= 10, $"only {cuts} cuts");
        Assert.True(settled, "the logs did not drain:\n" + run.Summary("flapping") + "\n" + broker.RecentLog);
        AssertEveryFixOnce(run, rawDuplicatesAllowed: true);
    }

    [MosquittoFact("drives/garmin-drive-2005.nmea")]
    public void GarminDrive_DefaultPolicy_FlappingLink_NothingIsLost()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        Drive drive = Drive.Load(SharedData.File("drives/garmin-drive-2005.nmea")!, policy: true);
        using var run = new FleetScenario(pki, broker, drive, 2, viaProxy: true, UplinkSetups.Default, seed: 21);
        var random = new Random(21);
        int restoreAt = -1;
        int cuts = 0;

        run.RunDrive(step =>
        {
            if (run.Proxy!.IsUp && random.NextDouble() < (InFlight(run) ? 0.05 : 0.005))
            {
                Thread.SpinWait(random.Next(0, 50_000));
                run.Proxy.Cut();
                cuts++;
                restoreAt = step + random.Next(1, 120);
            }
            else if (!run.Proxy.IsUp && step >= restoreAt)
            {
                run.Proxy.Restore();
            }
        });

        run.Proxy!.Restore();
        bool settled = run.Drain();
        output.WriteLine(run.Summary($"garmin drive, flapping link, {cuts} cuts (seed 21)"));
        Assert.True(settled, run.Summary("garmin"));
        AssertEveryFixOnce(run, rawDuplicatesAllowed: true);
    }

    private static bool InFlight(FleetScenario run) => run.Cars.Any(c => c.Engine.MessagesInFlight > 0);

    private static void AssertEveryFixOnce(FleetScenario run, bool rawDuplicatesAllowed)
    {
        Assert.Empty(run.Subscriber.BadMessages);
        foreach (CarRig car in run.Cars)
        {
            Delivery d = run.Delivered(car);
            Assert.Equal(0, car.AppendFailures);
            Assert.True(d.Recorded > 0);
            Assert.True(d.Missing == 0, $"{car.CarId}: {d.Missing} of {d.Recorded} recorded fixes never arrived");
            Assert.True(d.Wrong == 0, $"{car.CarId}: {d.Wrong} received fixes differ from what was recorded");
            Assert.True(d.OutOfOrderBatches == 0, $"{car.CarId}: {d.OutOfOrderBatches} batches out of order");
            if (!rawDuplicatesAllowed)
            {
                Assert.True(d.Duplicates == 0, $"{car.CarId}: {d.Duplicates} duplicates without any fault");
            }

            Assert.Equal(0, car.Log.PendingCount);
            Assert.Equal(0, car.PendingAfterReopen());
        }
    }
}
