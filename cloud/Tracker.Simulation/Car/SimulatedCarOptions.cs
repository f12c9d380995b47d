using Tracker.Core.Reporting;
using Tracker.Core.Uplink;

namespace Tracker.Simulation.Car;

/// <summary>
/// How a <see cref="SimulatedCar"/> is built: the device's identity, its FixLog, report policy and
/// uplink settings. Immutable; each property checks its value when set, and the car checks that
/// <see cref="CarId"/> is the id in <see cref="UplinkOptions.Topics"/>.
/// </summary>
public sealed record SimulatedCarOptions
{
    /// <summary>Default <see cref="LogCapacityBytes"/>: 1 MiB.</summary>
    public const int DefaultLogCapacityBytes = 1 << 20;

    /// <summary>The car id (an AWS IoT thing name, the MQTT client id).</summary>
    public required string CarId
    {
        get;
        init => field = UplinkTopics.IsValidThingName(value)
            ? value
            : throw new ArgumentException($"car id '{value}' is not a valid thing name: 1 to 128 of a-z A-Z 0-9 : _ -", nameof(CarId));
    }

    /// <summary>The directory that holds the car's FixLog (its own; the log survives a restart of the car).</summary>
    public required string LogDirectory
    {
        get;
        init => field = !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("the log directory is empty", nameof(LogDirectory));
    }

    /// <summary>Bytes the FixLog may use, 16 KiB to 64 MiB (the device's I: partition is 256 KB to 3 MB).</summary>
    public int LogCapacityBytes
    {
        get;
        init => field = value is >= 16 * 1024 and <= 64 << 20
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LogCapacityBytes), value, "must be 16 KiB to 64 MiB");
    } = DefaultLogCapacityBytes;

    /// <summary>The report policy's settings.</summary>
    public ReportConfig Policy { get; init => field = value ?? throw new ArgumentNullException(nameof(Policy)); } = ReportConfig.Default;

    /// <summary>The uplink's settings, topics included.</summary>
    public required UplinkOptions Uplink { get; init => field = value ?? throw new ArgumentNullException(nameof(Uplink)); }

    /// <summary>Seed of the uplink's reconnect jitter and of the car's supply and signal readings; make it differ between cars.</summary>
    public uint JitterSeed { get; init; } = 1;

    /// <summary>The firmware version the status message reports, printable ASCII, 1 to 32 characters.</summary>
    public string FirmwareVersion
    {
        get;
        init => field = value is { Length: >= 1 and <= StatusCodec.MaxFirmwareVersionLength } && value.All(c => c is >= ' ' and <= '~')
            ? value
            : throw new ArgumentException($"firmware version must be 1 to {StatusCodec.MaxFirmwareVersionLength} printable ASCII characters", nameof(FirmwareVersion));
    } = "sim-1.0.0";

    /// <summary>
    /// The car's provisioned tracker.conf, or null for a car without remote configuration. When set, the car runs the
    /// firmware's Control stage as the device does: its report policy and uplink come from this file with the
    /// overrides its shadow sent (kept in <see cref="ConfigDirectory"/>), and <see cref="Policy"/> and
    /// <see cref="Uplink"/>'s settings are not used (the topics must still name <see cref="CarId"/>).
    /// </summary>
    public string? TrackerConf { get; init; }

    /// <summary>The directory of the shadow's overrides (the device's <c>I:\cfg</c>); needed with <see cref="TrackerConf"/>.</summary>
    public string? ConfigDirectory { get; init; }

    /// <summary>How long the car must stay parked and idle before it restarts for pending restart keys (the device's 5 minutes by default).</summary>
    public long RestartQuietMs { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(RestartQuietMs)); } = Tracker.Core.Control.SafeRestart.DefaultQuietMs;

    /// <summary>
    /// The broker's MQTT port, or null. When set, the car connects only while its running config's <c>mqtt.port</c> is
    /// this one, as a device that dials another port reaches nothing: a remote change of that restart key can keep the
    /// car off-line, which its trial boot must undo (Control/README.md §1).
    /// </summary>
    public int? BrokerMqttPort { get; init; }

    /// <summary>How long a trial boot of restart keys has to connect the uplink (the device's 10 minutes by default).</summary>
    public long ConfigTrialWindowMs { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ConfigTrialWindowMs)); } = Tracker.Core.Control.HealthWindow.DefaultWindowMs;

    /// <summary>
    /// Over-the-air updates, or null for a car without them. When set, the car boots as the device's loader does (the
    /// image <see cref="Tracker.Core.Control.BootSelector"/> chooses; its version is the one the status reports) and runs
    /// the firmware's IoT Jobs agent on its connection.
    /// </summary>
    public SimulatedUpdates? Updates { get; init; }
}

/// <summary>What a simulated car needs for over-the-air updates (the device's update area, key and transport).</summary>
public sealed record SimulatedUpdates
{
    /// <summary>The update area (the device's <c>I:\app</c>): staging, images, boot state, the agent's record.</summary>
    public required string Directory { get; init; }

    /// <summary>The fleet's code-signing public key (the modulus in the car's bundle).</summary>
    public required byte[] CodeSigningKey { get; init; }

    /// <summary>Opens an image's URL.</summary>
    public required Tracker.Core.Control.IUpdateTransport Transport { get; init; }

    /// <summary>How long a new version has to confirm its health (a fix read, here: the uplink connected) before the car reboots and the attempt counts.</summary>
    public long ConfirmWindowMs { get; init; } = 600_000;

    /// <summary>Versions that never get healthy (a test's broken build): they never confirm. Null: every version is healthy.</summary>
    public Func<string, bool>? NeverHealthy { get; init; }
}
