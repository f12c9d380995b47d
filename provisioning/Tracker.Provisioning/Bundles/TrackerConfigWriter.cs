using Tracker.Core.Config;

namespace Tracker.Provisioning.Bundles;

/// <summary>
/// Writes a car's <c>tracker.conf</c> (Tracker.Core Config/README.md) and proves it with the device's
/// own <see cref="TrackerConfigLoader"/> before anything is written, so a bundle never carries a config
/// the tracker would refuse at boot.
/// </summary>
public static class TrackerConfigWriter
{
    /// <summary>Builds and checks the config text.</summary>
    /// <param name="carId">car.id.</param>
    /// <param name="endpoint">mqtt.endpoint.</param>
    /// <param name="port">mqtt.port.</param>
    /// <param name="ingestRule">mqtt.ingestRule, or null.</param>
    /// <param name="apn">cell.apn (may be empty).</param>
    /// <param name="policyLines">report.* lines (already checked), or null.</param>
    /// <param name="header">Comment lines for the top (what issued it, when).</param>
    /// <returns>The text (LF line ends) and the loaded config.</returns>
    /// <exception cref="ProvisioningException">The device would reject it: <see cref="ProvisioningFailure.InvalidArgument"/> for a value from the command line, <see cref="ProvisioningFailure.BadPolicy"/> for a report key, else <see cref="ProvisioningFailure.BadConfig"/>.</exception>
    public static (string Text, TrackerConfig Config) Build(string carId, string endpoint, int port, string? ingestRule, string apn, IReadOnlyList<string>? policyLines, IReadOnlyList<string> header)
    {
        var lines = new List<string>();
        lines.AddRange(header.Select(h => "# " + h));
        lines.Add(Line(TrackerSetting.CarId.Key, Quote(carId)));
        lines.Add(Line(TrackerSetting.MqttEndpoint.Key, Quote(endpoint)));
        lines.Add(Line(TrackerSetting.MqttPort.Key, port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (ingestRule is not null)
        {
            lines.Add(Line(TrackerSetting.MqttIngestRule.Key, Quote(ingestRule)));
        }

        lines.Add(Line(TrackerSetting.TlsCaFile.Key, BundleFiles.RootCaPem));
        lines.Add(Line(TrackerSetting.TlsCertFile.Key, BundleFiles.CertificatePem));
        lines.Add(Line(TrackerSetting.TlsKeyFile.Key, BundleFiles.KeyPem));
        lines.Add(Line(TrackerSetting.CellApn.Key, Quote(apn)));
        if (policyLines is { Count: > 0 })
        {
            lines.Add("");
            lines.Add("# report policy");
            lines.AddRange(policyLines);
        }

        string text = string.Join("\n", lines) + "\n";
        TrackerConfigResult loaded = TrackerConfigLoader.Load(text);
        if (!loaded.IsOk)
        {
            ProvisioningFailure failure = loaded.Key.StartsWith(Tracker.Core.Reporting.ReportConfigLoader.KeyPrefix, StringComparison.Ordinal)
                ? ProvisioningFailure.BadPolicy
                : IsFromCommandLine(loaded.Key) ? ProvisioningFailure.InvalidArgument : ProvisioningFailure.BadConfig;
            throw new ProvisioningException(failure, "the tracker would refuse this config: " + loaded.Message);
        }

        return (text, loaded.Config!);
    }

    private static bool IsFromCommandLine(string key) =>
        key == TrackerSetting.CarId.Key || key == TrackerSetting.MqttEndpoint.Key || key == TrackerSetting.MqttPort.Key
        || key == TrackerSetting.MqttIngestRule.Key || key == TrackerSetting.CellApn.Key;

    private static string Line(string key, string value) => key + " = " + value;

    private static string Quote(string value)
    {
        if (value.Contains('\n') || value.Contains('\r'))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "a config value cannot hold a line break: " + value.ReplaceLineEndings(" "));
        }

        return TrackerConfigLoader.QuoteValue(value);
    }
}
