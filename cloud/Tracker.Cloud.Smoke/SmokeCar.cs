using System.Diagnostics;
using System.Globalization;
using Tracker.Core.Config;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;

namespace Tracker.Cloud.Smoke;

/// <summary>
/// One simulated car with a real identity: the firmware core (NMEA reader, report policy, FixLog, uplink
/// engine) on a generated drive, publishing through MQTT with mutual TLS exactly as the bundle's
/// <c>tracker.conf</c> says (endpoint, port, Basic Ingest rule, certificates), to IoT Core after a deploy
/// or to any broker that trusts the fleet CA. Live mode while moving, so fixes go out every few seconds.
/// </summary>
public static class SmokeCar
{
    /// <summary>How often progress is printed.</summary>
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    /// <summary>Drives for <paramref name="duration"/>, then lets the car deliver what it holds (30 s at most).</summary>
    /// <param name="bundleDirectory">The car's bundle (<c>tracker-provision device create</c>).</param>
    /// <param name="duration">How long to drive.</param>
    /// <param name="serverName">The TLS server name, when it is not the endpoint (a local broker's certificate).</param>
    /// <param name="output">Progress and the result.</param>
    /// <param name="cancellationToken">Stops the drive early.</param>
    /// <returns>The result.</returns>
    /// <exception cref="SmokeException">The bundle or its config cannot be used.</exception>
    public static SmokeCarResult Run(string bundleDirectory, TimeSpan duration, string? serverName, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        DeviceBundle bundle;
        try
        {
            bundle = DeviceBundle.Open(bundleDirectory);
        }
        catch (Tracker.Provisioning.ProvisioningException e)
        {
            throw new SmokeException(e.Message);
        }

        TrackerConfigResult loaded = TrackerConfigLoader.Load(File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
        if (!loaded.IsOk || loaded.Config is null)
        {
            throw new SmokeException($"{bundle.PathOf(BundleFiles.Config)}: {loaded.Message}");
        }

        TrackerConfig config = loaded.Config;
        UplinkOptions configured = config.Uplink;
        var uplink = new UplinkOptions(
            configured.Topics,
            configured.KeepAliveS,
            configured.NormalPeriodMs,
            configured.LivePeriodMs,
            liveWhenMoving: true,
            configured.MaxWatchMs,
            configured.StatusPeriodMs,
            configured.MaxInFlight,
            configured.MaxFixesPerBatch,
            configured.MaxMessageBytes,
            configured.AckTimeoutMs,
            configured.BackoffBaseMs,
            configured.BackoffCapMs);
        MqttNetLinkOptions linkOptions = MqttNetLinkOptions.FromPemFiles(
            config.MqttEndpoint,
            config.MqttPort,
            bundle.PathOf(BundleFiles.CertificatePem),
            bundle.PathOf(BundleFiles.KeyPem),
            bundle.PathOf(BundleFiles.RootCaPem),
            serverName ?? config.MqttEndpoint);
        string flash = Directory.CreateTempSubdirectory("tracker-smoke-").FullName;
        var clock = Stopwatch.StartNew();
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var town = RoadNetwork.Generate(RouteOptions.Default with { Seed = 7 });
        var gnss = new GeneratedGnss(new RouteGenerator(town, carSeed: 7), startMs);
        try
        {
            using var link = new MqttNetLink(linkOptions);
            using var car = new SimulatedCar(
                new SimulatedCarOptions { CarId = config.CarId, LogDirectory = flash, Policy = config.Report, Uplink = uplink, FirmwareVersion = "smoke-1.0" },
                gnss,
                link);
            output.WriteLine($"car {config.CarId}: {config.MqttEndpoint}:{config.MqttPort}, fixes to {uplink.Topics.Fixes}, driving {duration.TotalSeconds:0} s");
            long nextProgress = 0;
            long firstFixTs = 0;
            while (clock.Elapsed < duration + TimeSpan.FromSeconds(30) && !cancellationToken.IsCancellationRequested)
            {
                bool driving = clock.Elapsed < duration;
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (driving)
                {
                    car.Step(now, clock.ElapsedMilliseconds);
                }
                else if (car.PendingFixes == 0 && car.MessagesInFlight == 0)
                {
                    break;
                }
                else
                {
                    // Parked with the engine off: the car only delivers what its log holds.
                    car.Step(now, clock.ElapsedMilliseconds);
                }

                if (firstFixTs == 0 && car.TryGetLastFix(out Fix fix))
                {
                    firstFixTs = fix.TimeMs;
                }

                if (clock.ElapsedMilliseconds >= nextProgress)
                {
                    nextProgress += (long)ProgressEvery.TotalMilliseconds;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds,4:0} s  {car.State,-12} recorded {car.FixesRecorded,4}  pending {car.PendingFixes,4}  delivered batches {car.Counters.FixMessagesDelivered,3}  {(car.IsMoving ? "moving" : "stopped")}"));
                }

                Thread.Sleep(100);
            }

            var result = new SmokeCarResult(
                config.CarId,
                car.FixesRecorded,
                car.PendingFixes,
                car.Counters.FixMessagesDelivered,
                car.TryGetLastFix(out Fix last) ? last.TimeMs : 0,
                link.LastFailure);
            output.WriteLine(result.Ok
                ? $"ok: {result.FixesRecorded} fixes recorded, all delivered ({result.MessagesAcknowledged} messages acknowledged); last fix {DateTimeOffset.FromUnixTimeMilliseconds(result.LastFixMs):O}"
                : $"FAILED: {result.Why}");
            return result;
        }
        finally
        {
            Directory.Delete(flash, recursive: true);
        }
    }
}

/// <summary>What one smoke drive did.</summary>
/// <param name="CarId">The car.</param>
/// <param name="FixesRecorded">Fixes the report policy recorded into the log.</param>
/// <param name="PendingFixes">Fixes still in the log at the end (not acknowledged).</param>
/// <param name="MessagesAcknowledged">Fix messages the broker acknowledged (PUBACK).</param>
/// <param name="LastFixMs">The last fix's time, epoch ms, or 0.</param>
/// <param name="LastFailure">The MQTT link's last failure, or null.</param>
public sealed record SmokeCarResult(string CarId, long FixesRecorded, long PendingFixes, long MessagesAcknowledged, long LastFixMs, string? LastFailure)
{
    /// <summary>True when fixes were recorded and every one was delivered.</summary>
    public bool Ok => FixesRecorded > 0 && PendingFixes == 0 && MessagesAcknowledged > 0;

    /// <summary>Why the drive failed, for a person.</summary>
    public string Why =>
        FixesRecorded == 0 ? "no fix was recorded (drive longer: --seconds)"
        : MessagesAcknowledged == 0 ? "nothing was acknowledged: " + (LastFailure ?? "no connection")
        : $"{PendingFixes} fixes were not delivered: " + (LastFailure ?? "the broker stopped acknowledging");
}

/// <summary>The smoke test cannot run with what it was given; the message says what to fix.</summary>
public sealed class SmokeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What to fix.</param>
    public SmokeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SmokeException()
        : base("the smoke test cannot run")
    {
    }

    /// <summary>Creates the exception around another.</summary>
    /// <param name="message">What to fix.</param>
    /// <param name="innerException">The cause.</param>
    public SmokeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
