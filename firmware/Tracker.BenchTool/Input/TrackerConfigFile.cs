using Tracker.BenchTool.Cli;
using Tracker.Core.Config;
using Tracker.Core.Uplink;

namespace Tracker.BenchTool.Input;

/// <summary>
/// The tracker's config (<c>tracker.conf</c>, Config/README.md) for the host replay: a car's own file,
/// or the device defaults for a bench car, so the uplink, log and policy run with exactly the values
/// a freshly provisioned tracker has.
/// </summary>
public static class TrackerConfigFile
{
    /// <summary>Loads a car's config file with the firmware's own loader.</summary>
    public static TrackerConfig Load(string path)
    {
        TrackerConfigResult result = TrackerConfigLoader.Load(ConfigText.Read(path, "config file"));
        return result.IsOk && result.Config is not null ? result.Config : throw new UsageException($"config file {path}: {result.Message}");
    }

    /// <summary>
    /// Every default of the device, for car <paramref name="carId"/>. The keys without a default (the
    /// broker, the certificate files, the APN) get placeholders: the replay never connects anywhere.
    /// </summary>
    public static TrackerConfig Defaults(string carId)
    {
        if (!UplinkTopics.TryCreate(carId, null, out _, out string why))
        {
            throw new UsageException("--car: " + why);
        }

        string text = $"""
            car.id = {carId}
            mqtt.endpoint = bench.invalid
            tls.caFile = ca.pem
            tls.certFile = device.crt
            tls.keyFile = device.key
            cell.apn = ""
            """;
        TrackerConfigResult result = TrackerConfigLoader.Load(text);
        return result.Config ?? throw new InvalidOperationException("the bench's default tracker config is rejected: " + result.Message);
    }

    /// <summary>The same uplink options with another number of fixes taken from the log at a time.</summary>
    public static UplinkOptions WithBatch(UplinkOptions o, int maxFixesPerBatch) => new(
        o.Topics,
        o.KeepAliveS,
        o.NormalPeriodMs,
        o.LivePeriodMs,
        o.LiveWhenMoving,
        o.MaxWatchMs,
        o.StatusPeriodMs,
        o.MaxInFlight,
        maxFixesPerBatch,
        o.MaxMessageBytes,
        o.AckTimeoutMs,
        o.BackoffBaseMs,
        o.BackoffCapMs);
}
