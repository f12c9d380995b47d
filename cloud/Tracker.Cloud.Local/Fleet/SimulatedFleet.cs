using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Observability;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;

namespace Tracker.Cloud.Local.Fleet;

/// <summary>
/// The simulated fleet: N cars, each the firmware's shared core (NMEA reader, report policy, FixLog on its own flash
/// folder, uplink engine) over an MQTTnet link with the car's own provisioned certificate, driving a generated route
/// or replaying an NMEA log. A few worker threads step the cars every <see cref="StepMs"/>, the way the device's
/// main loop ticks; cars start spread over a few seconds so a big fleet does not hit the broker with one TLS storm.
/// A car's connect blocks until the CONNACK: with <see cref="FleetSettings.ConnectConcurrency"/> the step that would
/// connect is handed to one of that many connect threads, and its stepping thread goes on with the other cars.
/// </summary>
public sealed partial class SimulatedFleet : IDisposable
{
    /// <summary>How often each car's loop runs.</summary>
    public const int StepMs = 100;

    private readonly List<FleetCar> _cars = [];
    private readonly List<Thread> _workers = [];
    private BlockingCollection<FleetCar>? _connecting;
    private readonly ILogger _log;
    private readonly TimeProvider _clock;
    private readonly Stopwatch _monotonic = Stopwatch.StartNew();
    private volatile bool _stopping;

    private SimulatedFleet(ILogger log, TimeProvider clock)
    {
        _log = log;
        _clock = clock;
    }

    /// <summary>The cars, in car-number order.</summary>
    public IReadOnlyList<SimulatedCar> Cars { get; private set; } = [];

    /// <summary>Fixes in the cars' logs not yet acknowledged.</summary>
    public long PendingFixes => _cars.Sum(c => c.Car.PendingFixes);

    /// <summary>Fixes the cars' report policies recorded.</summary>
    public long FixesRecorded => _cars.Sum(c => c.Car.FixesRecorded);

    /// <summary>Provisions (first run only) and starts <paramref name="settings"/>.Cars cars against the broker at <paramref name="mqttPort"/>.</summary>
    /// <param name="settings">What to simulate.</param>
    /// <param name="pki">Issues each car's identity with the provisioning tool.</param>
    /// <param name="mqttPort">The broker's TLS port.</param>
    /// <param name="published">Where the cars' publish times go.</param>
    /// <param name="clock">The wall clock.</param>
    /// <param name="log">The log.</param>
    /// <param name="provisioned">Told (cars done, cars in all) as the cars are provisioned; null for nothing.</param>
    /// <param name="publishToAck">Where each fix batch's publish-to-PUBACK time goes (a load process's stand-in for publish-to-stored); null for none.</param>
    /// <param name="connects">Where each car's connection attempts go (the connect and reconnect storms, from the cars' side); null for none.</param>
    /// <returns>The running fleet.</returns>
    public static SimulatedFleet Start(FleetSettings settings, LocalPki pki, int mqttPort, PublishTimes published, TimeProvider clock, ILogger<SimulatedFleet> log, Action<int, int>? provisioned = null, LatencyHistogram? publishToAck = null, ConnectLog? connects = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pki);
        var fleet = new SimulatedFleet(log, clock);
        long nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        RoadNetwork? town = settings.ReplayPath is null ? settings.Town ?? Town(settings.Seed) : null;
        NmeaLog? replay = settings.ReplayPath is { } path ? NmeaLog.Load(path) : null;
        var provisioning = Stopwatch.StartNew();
        int issued = 0;

        // With a fleet code-signing key, every car runs the firmware's IoT Jobs agent (without one no image could be verified).
        byte[]? codeSigningKey = Tracker.Provisioning.Pki.CodeSigning.ReadPublicKey(pki.FleetCa.Directory);
        var transport = new Updates.HttpUpdateTransport(pki.EndpointCa, TimeSpan.FromSeconds(30));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.FirstCar, 1);
        for (int i = settings.FirstCar; i < settings.FirstCar + settings.Cars; i++)
        {
            string carId = CarIds.Of(i);
            bool existed = File.Exists(Path.Combine(pki.BundlesDirectory, carId, BundleFiles.Identity));
            DeviceBundle bundle = pki.EnsureCar(carId, mqttPort);
            issued += existed ? 0 : 1;
            IGnssSource gnss = replay is not null
                ? new NmeaLogGnss(replay, nowMs, startOffsetMs: (i - 1) * 37_000L)
                : new GeneratedGnss(new RouteGenerator(town!, carSeed: unchecked((settings.Seed * 7919) + i)), nowMs);
            fleet._cars.Add(fleet.CreateCar(i, bundle, gnss, settings, mqttPort, published, publishToAck, connects, codeSigningKey is null ? null : new SimulatedUpdates
            {
                Directory = Path.Combine(settings.FlashDirectory, carId + ".app"),
                CodeSigningKey = codeSigningKey,
                Transport = transport,
            }));
            provisioned?.Invoke(i - settings.FirstCar + 1, settings.Cars);
        }

        fleet.Cars = [.. fleet._cars.Select(c => c.Car)];
        if (issued > 0)
        {
            fleet.LogProvisioned(issued, provisioning.ElapsedMilliseconds);
        }

        // Spread the first connections over up to 10 s (10 ms a car), unless told otherwise.
        long spreadMs = settings.StartSpreadMs ?? Math.Min(10_000, settings.Cars * 10L);
        for (int i = 0; i < fleet._cars.Count; i++)
        {
            fleet._cars[i].StartAtMs = fleet._cars.Count <= 1 ? 0 : spreadMs * i / (fleet._cars.Count - 1);
        }

        int workers = Math.Clamp(settings.Cars / 64, Math.Min(2, Math.Max(1, settings.Cars)), 8);
        for (int w = 0; w < workers && settings.Cars > 0; w++)
        {
            int index = w;
            var thread = new Thread(() => fleet.Work(index, workers)) { IsBackground = true, Name = "fleet-" + w.ToString(CultureInfo.InvariantCulture) };
            fleet._workers.Add(thread);
            thread.Start();
        }

        if (settings.ConnectConcurrency is { } concurrency && settings.Cars > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
            fleet._connecting = new BlockingCollection<FleetCar>(new ConcurrentQueue<FleetCar>());
            for (int c = 0; c < concurrency; c++)
            {
                // Small stacks: a connect thread only runs one car's step at a time (MQTTnet's connect awaits on the pool).
                var thread = new Thread(fleet.Connect, 256 * 1024) { IsBackground = true, Name = "fleet-connect-" + c.ToString(CultureInfo.InvariantCulture) };
                fleet._workers.Add(thread);
                thread.Start();
            }
        }

        return fleet;
    }

    /// <summary>The generated town of a seed: the same seed, the same streets.</summary>
    /// <param name="seed">The route generator's seed.</param>
    /// <returns>The town.</returns>
    public static RoadNetwork Town(int seed) => RoadNetwork.Generate(Tracker.Simulation.Routes.RouteOptions.Default with { Seed = seed });

    /// <summary>
    /// Stops the cars cleanly: they stop reading their receivers, and the uplinks go on until every car that has
    /// network has its log acknowledged (or <paramref name="timeout"/> passes); then each car disconnects. A car in a
    /// simulated dead zone cannot deliver until it leaves it, so it is not waited for: its fixes stay in its flash
    /// folder and go out on the next run, as a real car's would after the ignition is switched back on.
    /// </summary>
    /// <param name="timeout">Longest wait for the logs to drain.</param>
    /// <returns>Fixes still in the cars' logs when they stopped (0 unless some were in a dead zone or the wait timed out).</returns>
    public FleetStopReport Stop(TimeSpan timeout)
    {
        foreach (FleetCar car in _cars)
        {
            car.Car.Driving = false;
        }

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout && _cars.Any(c => c.Car.InCoverage && (c.Car.PendingFixes > 0 || c.Car.MessagesInFlight > 0)))
        {
            Thread.Sleep(50);
        }

        var report = new FleetStopReport(
            PendingFixes,
            _cars.Count(c => !c.Car.InCoverage && c.Car.PendingFixes > 0),
            _cars.Where(c => !c.Car.InCoverage).Sum(c => c.Car.PendingFixes),
            waited.ElapsedMilliseconds,
            string.Join(", ", _cars.Where(c => c.Car.PendingFixes > 0)
                .GroupBy(c => (c.Car.State, c.Car.InCoverage))
                .Select(g => g.Count() + " " + g.Key.State + (g.Key.InCoverage ? string.Empty : " (dead zone)"))));
        _stopping = true;
        _connecting?.CompleteAdding();
        foreach (Thread thread in _workers)
        {
            thread.Join(TimeSpan.FromSeconds(10));
        }

        _connecting?.Dispose();

        // Disconnect in parallel: each DISCONNECT waits on its own socket.
        Parallel.ForEach(_cars, new ParallelOptions { MaxDegreeOfParallelism = 16 }, car =>
        {
            car.Car.Dispose();
            car.Link.Dispose();
        });
        return report;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_stopping)
        {
            Stop(TimeSpan.Zero);
        }
    }

    private FleetCar CreateCar(int number, DeviceBundle bundle, IGnssSource gnss, FleetSettings settings, int mqttPort, PublishTimes published, LatencyHistogram? publishToAck, ConnectLog? connects, SimulatedUpdates? updates)
    {
        string carId = bundle.CarId;
        MqttNetLinkOptions linkOptions = MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1",
            mqttPort,
            bundle.PathOf(BundleFiles.CertificatePem),
            bundle.PathOf(BundleFiles.KeyPem),
            bundle.PathOf(BundleFiles.RootCaPem),
            "localhost");
        UplinkTopics topics = UplinkTopics.Create(carId, null);
        var link = new MqttNetLink(linkOptions);
        var timed = new TimedLink(link, carId, topics.Fixes, published, _clock, publishToAck, connects);
        var uplink = new UplinkOptions(
            topics,
            keepAliveS: 60,
            normalPeriodMs: UplinkOptions.DefaultNormalPeriodMs,
            livePeriodMs: settings.LivePeriodMs,
            liveWhenMoving: true,
            maxWatchMs: UplinkOptions.DefaultMaxWatchMs,
            statusPeriodMs: UplinkOptions.DefaultStatusPeriodMs,
            maxInFlight: UplinkOptions.DefaultMaxInFlight,
            maxFixesPerBatch: UplinkOptions.DefaultMaxFixesPerBatch,
            maxMessageBytes: UplinkOptions.DefaultMaxMessageBytes,
            ackTimeoutMs: 30_000,
            backoffBaseMs: 1000,
            backoffCapMs: 30_000);
        Security.PrivateFiles.EnsureFolder(Path.Combine(settings.FlashDirectory, carId)); // the car's positions: the owner's alone
        var car = new SimulatedCar(
            new SimulatedCarOptions
            {
                CarId = carId,
                LogDirectory = Path.Combine(settings.FlashDirectory, carId),
                Policy = settings.Policy,
                Uplink = uplink,
                JitterSeed = (uint)number,
                FirmwareVersion = "sim-1.0",
                Updates = updates,
            },
            gnss,
            timed);
        return new FleetCar(car, link);
    }

    private void Work(int index, int workers)
    {
        while (!_stopping)
        {
            long started = _monotonic.ElapsedMilliseconds;
            for (int i = index; i < _cars.Count && !_stopping; i += workers)
            {
                FleetCar car = _cars[i];
                if (started < car.StartAtMs || Volatile.Read(ref car.Connecting))
                {
                    continue;
                }

                if (_connecting is not null && car.Car.ConnectDue(_monotonic.ElapsedMilliseconds))
                {
                    // The connect thread owns the car until its step is done (the write that ends it publishes the step).
                    Volatile.Write(ref car.Connecting, true);
                    try
                    {
                        _connecting.Add(car);
                    }
                    catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
                    {
                        Volatile.Write(ref car.Connecting, false); // the fleet is stopping: no more connects
                    }

                    continue;
                }

                Step(car);
            }

            long spent = _monotonic.ElapsedMilliseconds - started;
            if (spent < StepMs)
            {
                Thread.Sleep((int)(StepMs - spent));
            }
        }
    }

    private void Connect()
    {
        try
        {
            foreach (FleetCar car in _connecting!.GetConsumingEnumerable())
            {
                if (!_stopping)
                {
                    Step(car);
                }

                Volatile.Write(ref car.Connecting, false);
            }
        }
        catch (ObjectDisposedException)
        {
            // the fleet was disposed while this thread waited
        }
    }

    private void Step(FleetCar car)
    {
        try
        {
            // The clock is read for each car: a car stepped by a connect thread meanwhile must not see time go back.
            car.Car.Step(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _monotonic.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A car's fault is that car's: log it once in a while and keep the others running.
            if (car.Faults++ % 100 == 0)
            {
                LogCarFault(e, car.Car.CarId);
            }
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Provisioned {Count} cars with the provisioning tool in {Milliseconds} ms")]
    private partial void LogProvisioned(int count, long milliseconds);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Simulated car {CarId} failed a step")]
    private partial void LogCarFault(Exception error, string carId);

    private sealed class FleetCar(SimulatedCar car, MqttNetLink link)
    {
        public SimulatedCar Car { get; } = car;

        /// <summary>The car's MQTT link: the car never disposes the link it is given, so the fleet does.</summary>
        public MqttNetLink Link { get; } = link;

        public long StartAtMs { get; set; }

        /// <summary>True while a connect thread has the car; its stepping thread leaves it alone until then.</summary>
#pragma warning disable CA1051, SA1401 // a field, for Volatile.Read and Volatile.Write
        public bool Connecting;
#pragma warning restore CA1051, SA1401

        public int Faults { get; set; }
    }
}
