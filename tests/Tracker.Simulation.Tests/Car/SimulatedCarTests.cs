using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Car;

public sealed class SimulatedCarTests : IDisposable
{
    private const string CarId = "CAR-0042";
    private const long Start = 1_767_268_800_000; // 2026-01-01T12:00:00Z
    private const long StepMs = 250;
    private const long TwoHoursMs = 2 * 3_600_000;

    private readonly TempFolder _folder = new("tracker-sim-tests-");

    public void Dispose()
    {
        _folder.Dispose();
    }

    [Fact]
    public void TwoHoursWithDeadZones_DeliversEveryRecordedFixExactlyOnce_AndDrains()
    {
        var options = RouteOptions.Default with { DeadZoneEvery = new SecondsRange(900, 1500) };
        RoadNetwork town = RoadNetwork.Generate(options);
        var gnss = new GeneratedGnss(new RouteGenerator(town, 21), Start);
        var link = new AckingLink();
        using var car = new SimulatedCar(CarOptions(), gnss, link);

        long now = 0, pendingInDeadZone = 0;
        int deadSteps = 0;
        for (; now < TwoHoursMs; now += StepMs)
        {
            car.Step(Start + now, now);
            if (!car.InCoverage)
            {
                deadSteps++;
                pendingInDeadZone = Math.Max(pendingInDeadZone, car.PendingFixes);
                Assert.NotEqual(UplinkState.Connected, car.State);
            }
        }

        long lastRead = Start + now - StepMs;
        car.Driving = false;
        long recordedWhileDriving = car.FixesRecorded;
        for (long until = now + 3_600_000; now < until && (car.PendingFixes > 0 || car.MessagesInFlight > 0); now += StepMs)
        {
            car.Step(Start + now, now);
        }

        Assert.True(deadSteps > 4 * 60 * 2, $"only {deadSteps} steps without coverage");
        Assert.True(pendingInDeadZone > 5, "the log should buffer in a dead zone");
        Assert.True(car.CoverageDrops >= 2, $"{car.CoverageDrops} drops");
        Assert.Equal(0, car.PendingFixes);
        Assert.Equal(0, car.MessagesInFlight);
        Assert.Equal(recordedWhileDriving, car.FixesRecorded);
        Assert.Equal(0, car.AppendFailures);
        Assert.Equal(IgnitionState.Off, car.Ignition);

        // Every recorded fix reached the broker once: the published batches hold exactly the fixes that
        // the same receiver output gives through the firmware's reader and report policy.
        List<long> published = PublishedFixTimes(link);
        Assert.Equal(published.Count, published.Distinct().Count());
        Assert.Equal(car.FixesRecorded, published.Count);
        Assert.Equal(ExpectedRecords(town, 21, lastRead), published.Order());
        Assert.Contains(link.Published, m => m.Topic == "tracker/" + CarId + "/status");
        Assert.True(car.FixesRead > 5000, $"{car.FixesRead} fixes read");
    }

    [Fact]
    public void Step_ReportsMotionIgnitionAndTheLastFix()
    {
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 2), Start);
        using var car = new SimulatedCar(CarOptions(), gnss, new AckingLink());
        Assert.Null(car.LastFix);
        bool sawMoving = false, sawIgnition = false;
        for (long now = 0; now < 1_800_000; now += StepMs)
        {
            car.Step(Start + now, now);
            sawMoving |= car.IsMoving;
            sawIgnition |= car.Ignition == IgnitionState.On;
            if (car.IsMoving)
            {
                Assert.Equal(IgnitionState.On, car.Ignition);
            }
        }

        Assert.True(sawMoving && sawIgnition);
        Fix last = Assert.NotNull(car.LastFix);
        Assert.InRange(Start + 1_800_000 - last.TimeMs, 0, 120_000);
        Assert.True(car.TryGetLastFix(out Fix same) && same.TimeMs == last.TimeMs);
        Assert.Equal(CarId, car.CarId);
        Assert.True(car.Counters.StatusMessages > 0);
        Assert.True(car.Nmea.Fixes > 0);
    }

    [Fact]
    public void Driving_OffThenOn_SkipsWhatTheReceiverPrintedMeanwhile()
    {
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 3), Start);
        using var car = new SimulatedCar(CarOptions(), gnss, new AckingLink());
        long now = 0;
        for (; now < 60_000; now += StepMs)
        {
            car.Step(Start + now, now);
        }

        car.Driving = false;
        long read = car.FixesRead;
        for (; now < 660_000; now += StepMs)
        {
            car.Step(Start + now, now);
        }

        Assert.Equal(read, car.FixesRead);
        car.Driving = true;
        car.Step(Start + now, now);
        Assert.Equal(read, car.FixesRead);
        now += 1000;
        car.Step(Start + now, now);
        Assert.InRange(car.FixesRead - read, 0, 1);
    }

    [Fact]
    public void ReplayedLog_RunsThroughTheCore()
    {
        var writer = new NmeaWriter("GP");
        var route = new RouteGenerator(Drives.Town, 4);
        var log = new StringBuilder();
        for (int s = 0; s < 600; s++)
        {
            log.Append(writer.Format(1_700_000_000_000 + (s * 1000L), route.Next().Gnss));
        }

        log.Append("$GPGGA,bad*00\r\n");
        var gnss = new NmeaLogGnss(NmeaLog.Parse(Encoding.ASCII.GetBytes(log.ToString())), Start, startOffsetMs: 120_000);
        var link = new AckingLink();
        using var car = new SimulatedCar(CarOptions(), gnss, link);
        for (long now = 0; now < 900_000; now += StepMs)
        {
            car.Step(Start + now, now);
        }

        Assert.InRange(car.FixesRead, 850, 900);
        Assert.True(car.InCoverage);
        Assert.Equal(car.FixesRecorded, PublishedFixTimes(link).Count + car.PendingFixes);
        Assert.True(car.Nmea.ChecksumErrors >= 1);
        Assert.All(PublishedFixTimes(link), t => Assert.InRange(t, Start, Start + 900_000));
    }

    [Fact]
    public void Restart_OnTheSameDirectory_SendsTheBacklog()
    {
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 5), Start);
        long recorded;
        var offline = new DownLink();
        using (var car = new SimulatedCar(CarOptions(), gnss, offline))
        {
            for (long now = 0; now < 600_000; now += StepMs)
            {
                car.Step(Start + now, now);
            }

            recorded = car.FixesRecorded;
            Assert.Equal(recorded, car.PendingFixes);
        }

        var link = new AckingLink();
        using var again = new SimulatedCar(CarOptions(), new NmeaLogGnss(NmeaLog.Parse([]), Start), link);
        Assert.Equal(recorded, again.PendingFixes);
        for (long now = 0; now < 60_000 && again.PendingFixes > 0; now += StepMs)
        {
            again.Step(Start + 600_000 + now, now);
        }

        Assert.Equal(0, again.PendingFixes);
        Assert.Equal(recorded, PublishedFixTimes(link).Distinct().Count());
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentException>(() => CarOptions() with { CarId = "bad id" });
        Assert.Throws<ArgumentOutOfRangeException>(() => CarOptions() with { LogCapacityBytes = 1000 });
        Assert.Throws<ArgumentException>(() => CarOptions() with { FirmwareVersion = "é" });
        Assert.Throws<ArgumentException>(() => CarOptions() with { LogDirectory = " " });
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 1), Start);
        Assert.Throws<ArgumentException>(() => new SimulatedCar(CarOptions() with { CarId = "OTHER" }, gnss, new AckingLink()));
        var car = new SimulatedCar(CarOptions(), gnss, new AckingLink());
        car.Dispose();
        Assert.Throws<ObjectDisposedException>(() => car.Step(Start, 0));
    }

    private SimulatedCarOptions CarOptions() => CarSetups.Options(CarId, _folder.Path, 42);

    private static List<long> PublishedFixTimes(AckingLink link)
    {
        var decoded = new Fix[BatchFormat.MaxFixes];
        var times = new List<long>();
        foreach ((string topic, byte[] payload) in link.Published.Where(m => m.Topic.EndsWith("/fixes", StringComparison.Ordinal)))
        {
            Assert.True(BatchDecoder.TryDecode(payload, 0, payload.Length, decoded, out int count, out BatchError error), error.ToString());
            times.AddRange(decoded.Take(count).Select(f => f.TimeMs));
        }

        return times;
    }

    // The same receiver output through the firmware's reader and a fresh report policy.
    private static List<long> ExpectedRecords(RoadNetwork town, int carSeed, long untilUtcMs)
    {
        var gnss = new GeneratedGnss(new RouteGenerator(town, carSeed), Start);
        var policy = new ReportPolicy(ReportConfig.Default);
        return Firmware.Decode(Firmware.ReadAll(gnss, untilUtcMs))
            .Select(f => policy.Decide(f))
            .Where(d => d.IsRecord)
            .Select(d => d.Fix.TimeMs)
            .Order()
            .ToList();
    }

    private sealed class DownLink : IMqttLink
    {
        public bool IsConnected => false;

        public int HeardFromBroker => 0;

        public LinkResult Connect(MqttConnectOptions options) => LinkResult.TransportFailed;

        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            messageId = 0;
            return LinkResult.NotConnected;
        }

        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            messageId = 0;
            delivered = false;
            return false;
        }

        public LinkResult Subscribe(string topic) => LinkResult.NotConnected;

        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            topic = string.Empty;
            payload = [];
            return false;
        }

        public void Disconnect()
        {
        }
    }
}
