using System.Diagnostics;
using Tracker.Core.Control;
using Tracker.Core.Uplink;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Testing;

namespace Tracker.Cloud.Testing;

/// <summary>
/// A parked simulated car on a broker, stepped every 20 ms on its own loop until disposed, with a real directory as its
/// flash: with remote configuration (its provisioned tracker.conf and the firmware's Control stage), with the firmware's
/// IoT Jobs agent (over-the-air updates), or both (issue 18). The host's tests and the browser tests drive the same car.
/// </summary>
public sealed class ParkedCar : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly IMqttLink _link;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ParkedCar(string carId, IMqttLink link, string? trackerConf, long restartQuietMs, Func<string, SimulatedUpdates>? updates, int? brokerMqttPort, long configTrialWindowMs)
    {
        _link = link;
        Sim = new SimulatedCar(
            new SimulatedCarOptions
            {
                CarId = carId,
                LogDirectory = _folder.Combine("log"),
                // With a tracker.conf these settings are not used: the car runs its tracker.conf and the shadow's overrides.
                Uplink = new UplinkOptions(UplinkTopics.Create(carId, null), 60, 300_000, 1000, true, 600_000, 3_600_000, 4, 50, 1024, 30_000, 1000, 30_000),
                FirmwareVersion = "sim-1.0",
                TrackerConf = trackerConf,
                ConfigDirectory = trackerConf is null ? null : _folder.Combine("cfg"),
                RestartQuietMs = restartQuietMs,
                BrokerMqttPort = brokerMqttPort,
                ConfigTrialWindowMs = configTrialWindowMs,
                Updates = updates?.Invoke(_folder.Combine("app")),
            },
            new Parked(),
            link);
        _loop = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            while (!_stop.IsCancellationRequested)
            {
                Sim.Step(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), clock.ElapsedMilliseconds);
                await Task.Delay(20);
            }
        });
    }

    /// <summary>The car.</summary>
    public SimulatedCar Sim { get; }

    /// <summary>Starts a car on <paramref name="link"/> (not yet connected: the car connects it), which it owns from now on.</summary>
    /// <param name="carId">The car (its bundle provisioned on the broker's CA).</param>
    /// <param name="link">Its MQTT link to the broker.</param>
    /// <param name="trackerConf">Its provisioned tracker.conf (the bundle's), for remote configuration; null for none.</param>
    /// <param name="restartQuietMs">How long it must stay parked and idle before it restarts for pending restart keys.</param>
    /// <param name="updates">Its update settings given its update area's directory; null for no updates.</param>
    /// <param name="brokerMqttPort">The broker's MQTT port: the car connects only while its running mqtt.port is this one; null to ignore it.</param>
    /// <param name="configTrialWindowMs">How long a trial boot of restart keys has to connect.</param>
    /// <returns>The running car.</returns>
    public static ParkedCar Start(
        string carId,
        IMqttLink link,
        string? trackerConf = null,
        long restartQuietMs = SafeRestart.DefaultQuietMs,
        Func<string, SimulatedUpdates>? updates = null,
        int? brokerMqttPort = null,
        long configTrialWindowMs = HealthWindow.DefaultWindowMs) =>
        new(carId, link ?? throw new ArgumentNullException(nameof(link)), trackerConf, restartQuietMs, updates, brokerMqttPort, configTrialWindowMs);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _link.Disconnect();
        (_link as IDisposable)?.Dispose();
        Sim.Dispose();
        _stop.Dispose();
        _folder.Dispose();
    }

    /// <summary>A receiver that prints nothing (a parked car in a garage), always in coverage.</summary>
    private sealed class Parked : IGnssSource
    {
        public int Read(long utcNowMs, byte[] buffer, int offset, int count) => 0;

        public bool InCoverage(long utcNowMs) => true;
    }
}
