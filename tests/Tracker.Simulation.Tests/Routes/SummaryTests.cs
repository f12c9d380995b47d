using System.Diagnostics;
using Tracker.Core.Uplink;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Simulation.Tests.Routes;

/// <summary>
/// Prints the figures in cloud/Tracker.Simulation/README.md (no assertions on timing):
/// <c>dotnet test tests/Tracker.Simulation.Tests --filter Summary --logger "console;verbosity=detailed"</c>.
/// </summary>
public class SummaryTests(ITestOutputHelper output)
{
    private const int Cars = 20;
    private const int HoursPerCar = 5;

    [Fact]
    public void Summary_OverOneHundredCarHours_PrintsShares()
    {
        RoadNetwork town = Drives.Town;
        output.WriteLine($"town: {town.Nodes.Count} nodes, {town.Edges.Count} roads; residential {town.LengthKm(RoadClass.Residential):0.0} km, arterial {town.LengthKm(RoadClass.Arterial):0.0} km, highway {town.LengthKm(RoadClass.Highway):0.0} km");
        long total = 0, moving = 0, stopped = 0, parked = 0, tunnel = 0, dead = 0, trips = 0;
        double distance = 0, maxSpeed = 0;
        var byClass = new double[3];
        for (int car = 0; car < Cars; car++)
        {
            var route = new RouteGenerator(town, car);
            for (int s = 0; s < HoursPerCar * 3600; s++)
            {
                RouteEpoch e = route.Next();
                total++;
                switch (e.Truth.Phase)
                {
                    case DrivePhase.Moving: moving++; break;
                    case DrivePhase.Stopped: stopped++; break;
                    default: parked++; break;
                }

                tunnel += e.InTunnel ? 1 : 0;
                dead += e.InDeadZone ? 1 : 0;
                distance += e.Truth.SpeedMps;
                maxSpeed = Math.Max(maxSpeed, e.Truth.SpeedMps);
                byClass[(int)e.Truth.Road] += e.Truth.Phase == DrivePhase.Moving ? 1 : 0;
            }

            trips += route.Trips;
        }

        output.WriteLine($"{Cars} cars x {HoursPerCar} h = {total / 3600.0:0} car-hours");
        output.WriteLine($"moving {Share(moving, total)}, stopped in traffic {Share(stopped, total)}, parked {Share(parked, total)}");
        output.WriteLine($"no fix (tunnel/canyon) {Share(tunnel, total)}, no network (dead zone) {Share(dead, total)}");
        output.WriteLine($"moving time by road: residential {Share((long)byClass[0], moving)}, arterial {Share((long)byClass[1], moving)}, highway {Share((long)byClass[2], moving)}");
        output.WriteLine($"trips {trips}, distance {distance / 1000:0} km, mean speed while moving {distance / moving * 3.6:0.0} km/h, top {maxSpeed * 3.6:0.0} km/h");

        var writer = new NmeaWriter();
        var buffer = new byte[NmeaWriter.MaxEpochBytes];
        var generator = new RouteGenerator(town, 99);
        const int Epochs = 100_000;
        long bytes = 0;

        // CPU time of the process as well as wall time: the figure per core then holds on a loaded machine.
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Epochs; i++)
        {
            RouteEpoch e = generator.Next();
            bytes += writer.Write(1_767_225_600_000 + (i * 1000L), e.Gnss, buffer, 0);
        }

        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"generator + NMEA on one core: {Epochs / cpu.TotalSeconds:0} epochs per CPU-second ({Epochs / watch.Elapsed.TotalSeconds:0} per wall second), {bytes / (double)Epochs:0.0} bytes/epoch");

        // A whole car (firmware core, FixLog on disk, uplink over an acking fake) stepped every 250 ms.
        using (var folder = new TempFolder("tracker-sim-summary-"))
        {
            string directory = folder.Combine("log");
            const long Start = 1_767_268_800_000, CarHourMs = 3_600_000;
            var link = new AckingLink();
            var topics = UplinkTopics.Create("CAR-1", null);
            var uplink = new UplinkOptions(topics, 300, 300_000, 5000, true, 3_600_000, 900_000, 4, 100, 1024, 60_000, 2000, 300_000);
            using var car = new SimulatedCar(new SimulatedCarOptions { CarId = "CAR-1", LogDirectory = directory, Uplink = uplink }, new GeneratedGnss(new RouteGenerator(town, 5), Start), link);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            watch.Restart();
            for (long now = 0; now < CarHourMs; now += 250)
            {
                car.Step(Start + now, now);
            }

            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            output.WriteLine($"one simulated car, 1 h in 250 ms steps: {cpu.TotalMilliseconds:0} ms CPU ({CarHourMs / cpu.TotalMilliseconds:0}x real time; wall {watch.Elapsed.TotalMilliseconds:0} ms); {car.FixesRead} fixes read, {car.FixesRecorded} recorded, {car.Counters.FixMessages} fix messages");
        }
    }

    private static string Share(long part, long whole) => $"{100.0 * part / whole:0.0}%";
}
