using System.Runtime.CompilerServices;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Config;
using Tracker.Core.Modem;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Config;

public class TrackerConfigLoaderTests
{
    private const string Minimal =
        "car.id = car-42\n" +
        "mqtt.endpoint = a1b2c3-ats.iot.eu-west-1.amazonaws.com\n" +
        "tls.caFile = ca.pem\n" +
        "tls.certFile = dev.crt\n" +
        "tls.keyFile = dev.key\n" +
        "cell.apn = iot.example\n";

    private static IEnumerable<TrackerSetting> Settings => Enumerable.Range(0, TrackerSetting.Count).Select(TrackerSetting.At);

    private static TrackerConfig LoadOk(string text)
    {
        TrackerConfigResult r = TrackerConfigLoader.Load(text);
        Assert.True(r.IsOk, r.Message);
        Assert.Equal(string.Empty, r.Message);
        return r.Config!;
    }

    private static TrackerConfigResult LoadBad(string text, TrackerConfigError error, string key, int line)
    {
        TrackerConfigResult r = TrackerConfigLoader.Load(text);
        Assert.False(r.IsOk);
        Assert.Null(r.Config);
        Assert.Equal(error, r.Error);
        Assert.Equal(key, r.Key);
        Assert.Equal(line, r.Line);
        Assert.Contains(key, r.Message, StringComparison.Ordinal);
        if (line > 0)
        {
            Assert.StartsWith($"line {line}: ", r.Message, StringComparison.Ordinal);
        }

        return r;
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string RepoPath(string relative) => Path.GetFullPath(Path.Combine(SourceDir(), "../../..", relative));

    // ---- declarations ----

    [Fact]
    public void Settings_AreDeclaredOnce_InIndexOrder_WithValidDefaults()
    {
        Assert.Equal(TrackerSetting.Count, Settings.Select(s => s.Key).Distinct().Count());
        Assert.All(Settings.Select((s, i) => (s, i)), p => Assert.Equal(p.i, p.s.Index));
        Assert.All(Settings, s => Assert.Equal(s.Index, TrackerSetting.IndexOf(s.Key)));
        Assert.All(Settings, s => Assert.False(s.Key.StartsWith(ReportConfigLoader.KeyPrefix, StringComparison.Ordinal)));
        foreach (TrackerSetting s in Settings)
        {
            switch (s.Kind)
            {
                case SettingKind.Text:
                    Assert.Equal(TrackerSetting.NotSet, s.Default);
                    Assert.NotEqual(TextRule.None, s.Rule);
                    Assert.NotEqual(SettingRequirement.Default, s.Requirement);
                    break;
                case SettingKind.Choice:
                    Assert.InRange(s.Default, 0, s.Choices!.Length - 1);
                    Assert.Equal(SettingRequirement.Default, s.Requirement);
                    break;
                default:
                    Assert.InRange(s.Default, s.Min, s.Max);
                    Assert.Equal(SettingRequirement.Default, s.Requirement);
                    break;
            }
        }

        Assert.Equal(-1, TrackerSetting.IndexOf("report.moving.minPeriodS"));
    }

    [Fact]
    public void Ranges_AgreeWithWhatTheyFeed()
    {
        Assert.Equal(BatchFormat.MaxEncodedSize(1), TrackerSetting.UplinkMaxMessageBytes.Min);
        Assert.Equal(BatchFormat.MaxBatchBytes, TrackerSetting.UplinkMaxMessageBytes.Max);
        Assert.Equal(UplinkOptions.MaxInFlightLimit, TrackerSetting.UplinkMaxInFlight.Max);
        Assert.Equal(UplinkOptions.MaxFixesPerBatchLimit, TrackerSetting.UplinkBatchFixes.Max);
        Assert.Equal(UplinkTopics.MaxThingNameLength, TrackerSetting.CarId.Max);
    }

    [Fact]
    public void Readme_TableListsEveryKeyWithItsDefault()
    {
        string readme = File.ReadAllText(RepoPath("firmware/Tracker.Core/Config/README.md"));
        foreach (TrackerSetting s in Settings)
        {
            string expected = s.Requirement switch
            {
                SettingRequirement.Required => "required",
                SettingRequirement.Optional => "unset",
                _ => s.Choices != null ? s.Choices[s.Default] : s.Default.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            Assert.Contains($"| `{s.Key}` | {expected} |", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_ExampleLoads()
    {
        string readme = File.ReadAllText(RepoPath("firmware/Tracker.Core/Config/README.md"));
        int start = readme.IndexOf("## An example", StringComparison.Ordinal);
        int open = readme.IndexOf("```\n", start, StringComparison.Ordinal) + 4;
        int close = readme.IndexOf("```", open, StringComparison.Ordinal);
        TrackerConfig c = LoadOk(readme[open..close]);
        Assert.Equal("$aws/rules/tracker_ingest/tracker/car-42/fixes", c.Topics.Fixes);
        Assert.Equal(10, c.Report.MovingMinPeriodS);
    }

    [Fact]
    public void HardwareDefaults_MatchTheReferencePinMap()
    {
        string path = RepoPath("hardware/pinmap.json");
        if (!File.Exists(path))
        {
            return; // the pin map belongs to the hardware folder; nothing to compare with here
        }

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonElement root = doc.RootElement;
        foreach (JsonElement uart in root.GetProperty("uarts").EnumerateArray())
        {
            expected[uart.GetProperty("configKey").GetString()!] = uart.GetProperty("port").GetString()!;
            expected[uart.GetProperty("baudConfigKey").GetString()!] = uart.GetProperty("baud").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (JsonElement pin in uart.GetProperty("pins").EnumerateArray())
            {
                expected[pin.GetProperty("configKey").GetString()!] = pin.GetProperty("gpio").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        foreach (string section in new[] { "gpio", "adc" })
        {
            foreach (JsonElement pin in root.GetProperty(section).EnumerateArray())
            {
                expected[pin.GetProperty("configKey").GetString()!] = pin.GetProperty("gpio").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (pin.TryGetProperty("activeConfigKey", out JsonElement activeKey))
                {
                    expected[activeKey.GetString()!] = pin.GetProperty("activeHigh").GetBoolean() ? "true" : "false";
                }
            }
        }

        TrackerConfig c = LoadOk(Minimal);
        foreach ((string key, string value) in expected)
        {
            int index = TrackerSetting.IndexOf(key);
            Assert.True(index >= 0, $"pinmap.json names {key}, which the config does not declare");
            TrackerSetting s = TrackerSetting.At(index);
            string actual = s.Choices != null ? c.GetChoice(s) : c.GetInt(s).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(value == actual, $"{key}: pinmap.json says {value}, the config's default is {actual}");
        }

        Assert.All(Settings.Where(s => s.Key.StartsWith("hw.", StringComparison.Ordinal)), s => Assert.Contains(s.Key, expected.Keys));
    }

    // ---- good files ----

    [Fact]
    public void MinimalFile_TakesEveryDefault()
    {
        TrackerConfig c = LoadOk(Minimal);
        Assert.Equal("car-42", c.CarId);
        Assert.Equal("a1b2c3-ats.iot.eu-west-1.amazonaws.com", c.MqttEndpoint);
        Assert.Equal(8883, c.MqttPort);
        Assert.Null(c.IngestRule);
        Assert.Equal("ca.pem", c.CaFile);
        Assert.Equal("dev.crt", c.CertFile);
        Assert.Equal("dev.key", c.KeyFile);
        Assert.Equal("iot.example", c.Apn);
        Assert.Null(c.ApnUser);
        Assert.Null(c.SimPin);
        Assert.Equal(RadioAccess.LteM, c.Rat);
        Assert.False(c.UsesWifi);
        Assert.Equal(2_500_000, c.FixLogCapacityBytes);
        Assert.Equal("tracker/car-42/fixes", c.Topics.Fixes);

        UplinkOptions u = c.Uplink;
        Assert.Same(c.Topics, u.Topics);
        Assert.Equal(UplinkOptions.DefaultKeepAliveS, u.KeepAliveS);
        Assert.Equal(UplinkOptions.DefaultNormalPeriodMs, u.NormalPeriodMs);
        Assert.Equal(UplinkOptions.DefaultLivePeriodMs, u.LivePeriodMs);
        Assert.True(u.LiveWhenMoving);
        Assert.Equal(UplinkOptions.DefaultMaxWatchMs, u.MaxWatchMs);
        Assert.Equal(UplinkOptions.DefaultStatusPeriodMs, u.StatusPeriodMs);
        Assert.Equal(UplinkOptions.DefaultMaxInFlight, u.MaxInFlight);
        Assert.Equal(UplinkOptions.DefaultMaxFixesPerBatch, u.MaxFixesPerBatch);
        Assert.Equal(UplinkOptions.DefaultMaxMessageBytes, u.MaxMessageBytes);
        Assert.Equal(UplinkOptions.DefaultAckTimeoutMs, u.AckTimeoutMs);
        Assert.Equal(UplinkOptions.DefaultBackoffBaseMs, u.BackoffBaseMs);
        Assert.Equal(UplinkOptions.DefaultBackoffCapMs, u.BackoffCapMs);

        Assert.All(Enumerable.Range(0, ReportSetting.Count).Select(ReportSetting.At), s => Assert.Equal(s.Default, c.Report.Get(s)));
        Assert.Equal(17, c.GetInt(TrackerSetting.HwGnssRxPin));
        Assert.Equal("COM3", c.GetChoice(TrackerSetting.HwGnssPort));
        Assert.False(c.GetFlag(TrackerSetting.HwIgnitionActiveHigh));
        Assert.Equal(0, c.LineOf(TrackerSetting.MqttPort));
        Assert.Equal(1, c.LineOf(TrackerSetting.CarId));
    }

    [Fact]
    public void EveryKey_CanBeSet_AndFeedsTheRightOption()
    {
        string text =
            "\uFEFF# car 7\r\n" +
            "car.id = AB:7_x-1\r\n" +
            "mqtt.endpoint = broker.local\r\n" +
            "mqtt.port = 443   # ALPN\r\n" +
            "mqtt.ingestRule = tracker_ingest\r\n" +
            "mqtt.keepAliveS = 1200\r\n" +
            "tls.caFile = ca.pem\r\n\ttls.certFile\t=\tdev.crt\t\r\n" +
            "tls.keyFile = dev.key\r\n" +
            "cell.apn = \"\"\r\n" +
            "cell.user = \"user name\"\r\n" +
            "cell.password = p@ss:w0rd!\r\n" +
            "cell.rat = both\r\n" +
            "cell.simPin = 0000\r\n" +
            "wifi.ssid = \"Depot #3 \\\"west\\\"\"  # quoted: holds # and \"\r\n" +
            "wifi.password = \"\\\\secret\\\\ pass\"\r\n" +
            "uplink.normalPeriodS = 600\r\n" +
            "uplink.livePeriodS = 3\r\n" +
            "uplink.liveWhenMoving = false\r\n" +
            "uplink.maxWatchS = 900\r\n" +
            "uplink.statusPeriodS = 60\r\n" +
            "uplink.maxInFlight = 8\r\n" +
            "uplink.batchFixes = 1000\r\n" +
            "uplink.maxMessageBytes = 96000\r\n" +
            "uplink.ackTimeoutS = 600\r\n" +
            "uplink.backoffBaseS = 1\r\n" +
            "uplink.backoffCapS = 3600\r\n" +
            "fixlog.capacityBytes = 160000\r\n" +
            "hw.gnss.txPin = -1\r\n" +
            "hw.ignition.pin = -1\r\n" +
            "hw.ignition.activeHigh = true\r\n" +
            "report.stopped.heartbeatS = 1800\r\n";
        TrackerConfig c = LoadOk(text);
        Assert.Equal("AB:7_x-1", c.CarId);
        Assert.Equal(443, c.MqttPort);
        Assert.Equal("tracker_ingest", c.IngestRule);
        Assert.Equal(1200, c.KeepAliveS);
        Assert.Equal(string.Empty, c.Apn);
        Assert.Equal("user name", c.ApnUser);
        Assert.Equal("p@ss:w0rd!", c.ApnPassword);
        Assert.Equal(RadioAccess.Both, c.Rat);
        Assert.Equal("0000", c.SimPin);
        Assert.Equal("Depot #3 \"west\"", c.WifiSsid);
        Assert.Equal("\\secret\\ pass", c.WifiPassword);
        Assert.True(c.UsesWifi);
        Assert.Equal(160_000, c.FixLogCapacityBytes);
        Assert.Equal(-1, c.GetInt(TrackerSetting.HwGnssTxPin));
        Assert.True(c.GetFlag(TrackerSetting.HwIgnitionActiveHigh));
        Assert.Equal(1800, c.Report.StoppedHeartbeatS);
        Assert.Equal(2, c.LineOf(TrackerSetting.CarId));

        UplinkOptions u = c.Uplink;
        Assert.Equal(1200, u.KeepAliveS);
        Assert.Equal(600_000, u.NormalPeriodMs);
        Assert.Equal(3_000, u.LivePeriodMs);
        Assert.False(u.LiveWhenMoving);
        Assert.Equal(900_000, u.MaxWatchMs);
        Assert.Equal(60_000, u.StatusPeriodMs);
        Assert.Equal(8, u.MaxInFlight);
        Assert.Equal(1000, u.MaxFixesPerBatch);
        Assert.Equal(96_000, u.MaxMessageBytes);
        Assert.Equal(600_000, u.AckTimeoutMs);
        Assert.Equal(1_000, u.BackoffBaseMs);
        Assert.Equal(3_600_000, u.BackoffCapMs);
        Assert.Equal("$aws/rules/tracker_ingest/tracker/AB:7_x-1/fixes", u.Topics.Fixes);
    }

    [Fact]
    public void EveryIntegerKey_AtItsLimits_BuildsValidOptions()
    {
        foreach (TrackerSetting s in Settings.Where(s => s.Kind == SettingKind.Integer && !s.IsPin))
        {
            foreach (int value in new[] { s.Min, s.Max })
            {
                // Partners that keep the rules between keys satisfied at either end.
                string partners = "wifi.ssid = depot\n" +
                    (s == TrackerSetting.UplinkNormalPeriodS ? "uplink.livePeriodS = 1\n" : string.Empty) +
                    (s == TrackerSetting.UplinkLivePeriodS ? "uplink.normalPeriodS = 86400\n" : string.Empty) +
                    (s == TrackerSetting.UplinkBackoffBaseS ? "uplink.backoffCapS = 3600\n" : string.Empty) +
                    (s == TrackerSetting.UplinkBackoffCapS ? "uplink.backoffBaseS = 1\n" : string.Empty);
                LoadOk(Minimal + partners + $"{s.Key} = {value}\n");
            }
        }
    }

    [Fact]
    public void WifiOnly_NeedsNoApn()
    {
        TrackerConfig c = LoadOk(Minimal.Replace("cell.apn = iot.example\n", string.Empty, StringComparison.Ordinal) + "wifi.ssid = depot\nwifi.password = \"\"\n");
        Assert.True(c.UsesWifi);
        Assert.Null(c.Apn);
        Assert.Equal(string.Empty, c.WifiPassword);
    }

    // ---- bad files ----

    [Theory]
    [InlineData("car.id")]
    [InlineData("mqtt.endpoint")]
    [InlineData("tls.caFile")]
    [InlineData("tls.certFile")]
    [InlineData("tls.keyFile")]
    [InlineData("cell.apn")]
    public void MissingRequiredKey_IsAnError(string key)
    {
        string text = string.Join("\n", Minimal.Split('\n').Where(l => !l.StartsWith(key + " ", StringComparison.Ordinal)));
        LoadBad(text, TrackerConfigError.MissingKey, key, 0);
    }

    [Fact]
    public void EmptyFile_NamesTheFirstRequiredKey()
    {
        Assert.Equal("missing required key car.id (Config/README.md)", LoadBad(string.Empty, TrackerConfigError.MissingKey, "car.id", 0).Message);
    }

    [Theory]
    [InlineData("ltem", RadioAccess.LteM, 1)]
    [InlineData("nbiot", RadioAccess.NbIot, 2)]
    [InlineData("both", RadioAccess.Both, 3)]
    public void CellRat_ReadsIntoTheModemsRadioAccess_NumberedAsAtCmnb(string choice, RadioAccess expected, int cmnb)
    {
        TrackerConfig c = LoadOk(Minimal + "cell.rat = " + choice + "\n");
        Assert.Equal(expected, c.Rat);
        Assert.Equal(cmnb, (int)c.Rat);
    }

    [Theory]
    [InlineData("car.id", "car 42", TrackerConfigError.BadText)]
    [InlineData("car.id", "car/42", TrackerConfigError.BadText)]
    [InlineData("mqtt.endpoint", "broker_1.local", TrackerConfigError.BadText)]
    [InlineData("mqtt.endpoint", "broker..local", TrackerConfigError.BadText)]
    [InlineData("mqtt.endpoint", "-broker.local", TrackerConfigError.BadText)]
    [InlineData("mqtt.endpoint", "broker.local.", TrackerConfigError.BadText)]
    [InlineData("mqtt.ingestRule", "my-rule", TrackerConfigError.BadText)]
    [InlineData("tls.caFile", "certs/ca.pem", TrackerConfigError.BadText)]
    [InlineData("tls.caFile", ".ca", TrackerConfigError.BadText)]
    [InlineData("tls.caFile", "a-very-long-file-name.pem", TrackerConfigError.OutOfRange)]
    [InlineData("cell.simPin", "12a4", TrackerConfigError.BadText)]
    [InlineData("cell.simPin", "123", TrackerConfigError.OutOfRange)]
    [InlineData("cell.rat", "LTEM", TrackerConfigError.BadChoice)]
    [InlineData("cell.rat", "\"ltem\"", TrackerConfigError.BadChoice)]
    [InlineData("uplink.liveWhenMoving", "1", TrackerConfigError.BadChoice)]
    [InlineData("mqtt.port", "0", TrackerConfigError.OutOfRange)]
    [InlineData("mqtt.port", "65536", TrackerConfigError.OutOfRange)]
    [InlineData("mqtt.port", "88 83", TrackerConfigError.BadNumber)]
    [InlineData("mqtt.port", "\"8883\"", TrackerConfigError.BadNumber)]
    [InlineData("mqtt.port", "8883.0", TrackerConfigError.BadNumber)]
    [InlineData("mqtt.keepAliveS", "29", TrackerConfigError.OutOfRange)]
    [InlineData("uplink.maxInFlight", "9", TrackerConfigError.OutOfRange)]
    [InlineData("uplink.maxMessageBytes", "234", TrackerConfigError.OutOfRange)]
    [InlineData("hw.gnss.rxPin", "-1", TrackerConfigError.OutOfRange)]
    [InlineData("hw.gnss.rxPin", "23", TrackerConfigError.OutOfRange)]
    [InlineData("hw.led.pin", "49", TrackerConfigError.OutOfRange)]
    [InlineData("cell.apn", "\"a\\\"b\"", TrackerConfigError.BadText)]
    [InlineData("cell.user", "a\"b", TrackerConfigError.BadQuotes)]
    [InlineData("cell.user", "\"abc", TrackerConfigError.BadQuotes)]
    [InlineData("cell.user", "\"a\\b\"", TrackerConfigError.BadQuotes)]
    [InlineData("cell.user", "\"abc\" x", TrackerConfigError.BadQuotes)]
    [InlineData("cell.user", "", TrackerConfigError.EmptyValue)]
    [InlineData("cell.user", "  # just a comment", TrackerConfigError.EmptyValue)]
    [InlineData("wifi.ssid", "\"\"", TrackerConfigError.OutOfRange)]
    [InlineData("wifi.ssid", "\"abcdefghijklmnopqrstuvwxyzabcdeé\"", TrackerConfigError.OutOfRange)]
    [InlineData("wifi.ssid", "\"tab\there\"", TrackerConfigError.BadText)]
    public void BadValue_NamesItsKeyAndLine(string key, string value, TrackerConfigError error)
    {
        string[] others = Minimal.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(key + " ", StringComparison.Ordinal)).ToArray();
        string text = string.Join("\n", others) + "\n# comment\n" + $"{key} = {value}\n";
        LoadBad(text, error, key, others.Length + 2);
    }

    [Fact]
    public void MessagesSayWhatIsAllowed()
    {
        Assert.Equal(
            "line 7: mqtt.port = 0 is out of range: allowed 1..65535",
            LoadBad(Minimal + "mqtt.port = 0\n", TrackerConfigError.OutOfRange, "mqtt.port", 7).Message);
        Assert.Equal(
            "line 7: cell.rat = 'lte' is not one of: ltem|nbiot|both",
            LoadBad(Minimal + "cell.rat = lte\n", TrackerConfigError.BadChoice, "cell.rat", 7).Message);
        Assert.Equal(
            "line 7: hw.led.pin = 24 is out of range: allowed a GPIO of the ESP32-S3 (0..21, 26..48), or -1 for none",
            LoadBad(Minimal + "hw.led.pin = 24\n", TrackerConfigError.OutOfRange, "hw.led.pin", 7).Message);
        Assert.Contains("thing name", LoadBad("car.id = a b\n" + Minimal, TrackerConfigError.BadText, "car.id", 1).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrors_AreReported()
    {
        LoadBad(Minimal + "mqtt.port 8883\n", TrackerConfigError.MissingEquals, "mqtt.port 8883", 7);
        LoadBad(Minimal + "mqtt.port # = 8883\n", TrackerConfigError.MissingEquals, "mqtt.port", 7);
        LoadBad(Minimal + " = 8883\n", TrackerConfigError.EmptyKey, string.Empty, 7);
        LoadBad(Minimal + "mqtt.Port = 8883\n", TrackerConfigError.UnknownKey, "mqtt.Port", 7);
        LoadBad(Minimal + "mqtt.port = 8883\nmqtt.port = 443\n", TrackerConfigError.DuplicateKey, "mqtt.port", 8);
        Assert.Contains("first on line 1", TrackerConfigLoader.Load("car.id = a\ncar.id = b\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportKeys_AreValidatedByTheReportRules_WithTheirLine()
    {
        TrackerConfigResult r = LoadBad(Minimal + "report.moving.minPeriodS = 0\n", TrackerConfigError.OutOfRange, "report.moving.minPeriodS", 7);
        Assert.Equal("line 7: report.moving.minPeriodS = 0 is out of range: allowed 1..3600 s", r.Message);
        LoadBad(Minimal + "report.moving.minPeriod = 5\n", TrackerConfigError.UnknownKey, "report.moving.minPeriod", 7);
        LoadBad(Minimal + "report.moving.minPeriodS = 5\nreport.moving.minPeriodS = 6\n", TrackerConfigError.DuplicateKey, "report.moving.minPeriodS", 8);
        LoadBad(Minimal + "report.movingThresholdKmh = 3\n", TrackerConfigError.Inconsistent, "report.movingThresholdKmh", 7);
    }

    [Fact]
    public void TheEarliestLine_Wins_BetweenReportAndTrackerErrors()
    {
        LoadBad("report.startDelayS = x\nmqtt.port = 0\n" + Minimal, TrackerConfigError.BadNumber, "report.startDelayS", 1);
        LoadBad("mqtt.port = 0\nreport.startDelayS = x\n" + Minimal, TrackerConfigError.OutOfRange, "mqtt.port", 1);

        // A rule between report keys names the line of the key it blames, and competes by that line.
        LoadBad("report.movingThresholdKmh = 3\nmqtt.port = 0\n" + Minimal, TrackerConfigError.Inconsistent, "report.movingThresholdKmh", 1);
        LoadBad("mqtt.port = 0\nreport.movingThresholdKmh = 3\n" + Minimal, TrackerConfigError.OutOfRange, "mqtt.port", 1);

        // A line error comes before an error that is about no line (a missing key).
        LoadBad("mqtt.port = 0\n", TrackerConfigError.OutOfRange, "mqtt.port", 1);
    }

    [Fact]
    public void RulesBetweenKeys_AreChecked()
    {
        LoadBad(Minimal + "wifi.password = secretsecret\n", TrackerConfigError.Inconsistent, "wifi.password", 7);
        LoadBad(Minimal + "wifi.ssid = depot\nwifi.password = short\n", TrackerConfigError.OutOfRange, "wifi.password", 8);
        LoadBad(Minimal + "uplink.livePeriodS = 301\n", TrackerConfigError.Inconsistent, "uplink.livePeriodS", 7);
        LoadBad(Minimal + "uplink.normalPeriodS = 4\n", TrackerConfigError.Inconsistent, "uplink.normalPeriodS", 7);
        LoadBad(Minimal + "uplink.backoffBaseS = 301\n", TrackerConfigError.Inconsistent, "uplink.backoffBaseS", 7);
        LoadBad(Minimal + "uplink.maxMessageBytes = 2048\n", TrackerConfigError.Inconsistent, "uplink.maxMessageBytes", 7);
        LoadOk(Minimal + "uplink.maxMessageBytes = 2048\nwifi.ssid = depot\n");
        LoadBad(Minimal + "tls.keyFile = ca.pem\n".Replace("tls", "tls", StringComparison.Ordinal), TrackerConfigError.DuplicateKey, "tls.keyFile", 7);
        LoadBad(Minimal.Replace("dev.key", "dev.crt", StringComparison.Ordinal), TrackerConfigError.Inconsistent, "tls.keyFile", 5);
        LoadBad(Minimal + "hw.gnss.port = COM2\n", TrackerConfigError.Inconsistent, "hw.gnss.port", 7);
        TrackerConfigResult pins = LoadBad(Minimal + "hw.led.pin = 17\n", TrackerConfigError.Inconsistent, "hw.led.pin", 7);
        Assert.Equal("line 7: hw.gnss.rxPin and hw.led.pin are both GPIO 17", pins.Message);
        LoadOk(Minimal + "hw.led.pin = -1\nhw.ignition.pin = -1\n");
    }

    [Fact]
    public void TopicsTooLongForTheModem_AreRejected()
    {
        string car = new('c', 100);
        LoadOk(Minimal.Replace("car-42", car, StringComparison.Ordinal));
        TrackerConfigResult r = LoadBad(Minimal.Replace("car-42", car, StringComparison.Ordinal) + "mqtt.ingestRule = tracker_ingest\n", TrackerConfigError.Inconsistent, "mqtt.ingestRule", 7);
        Assert.Contains("128", r.Message, StringComparison.Ordinal);
    }

    // ---- quoting ----

    public static readonly Gen<string> Passphrases =
        Gen.Choose(8, 40).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E).Select(c => (char)c)),
            (1, Gen.Elements('"', '\\', '#', ' ', 'é', '€', '中')),
            (1, Gen.Choose(0xA0, 0x2FFF).Select(c => (char)c))), n)).Select(c => new string(c)).Where(s => System.Text.Encoding.UTF8.GetByteCount(s) <= 63);

    [Property(MaxTest = 300)]
    public Property QuoteValue_RoundTripsAnyPassphrase() =>
        Prop.ForAll(Passphrases.ToArbitrary(), p =>
        {
            TrackerConfig c = LoadOk(Minimal + "wifi.ssid = depot\nwifi.password = " + TrackerConfigLoader.QuoteValue(p) + "   # set by the tool\n");
            Assert.Equal(p, c.WifiPassword);
        });

    [Fact]
    public void QuoteValue_RefusesLineBreaks()
    {
        Assert.Throws<ArgumentException>(() => TrackerConfigLoader.QuoteValue("a\nb"));
        Assert.Equal("\"a\\\"b\\\\c\"", TrackerConfigLoader.QuoteValue("a\"b\\c"));
    }

    // ---- robustness ----

    private static readonly string[] Pieces =
    [
        "car.id", "mqtt.endpoint", "mqtt.port", "wifi.ssid", "wifi.password", "hw.led.pin", "cell.rat", "report.moving.minPeriodS",
        "report.", "report.x", "=", " = ", "#", "\"", "\\", "\\\"", "\n", "\r\n", "\t", " ", "-1", "0", "17", "8883", "99999999999",
        "ltem", "true", "COM2", "car-42", "\uFEFF", "\u0000", "é", "中", "\uD800", "tls.caFile = ca.pem", Minimal,
    ];

    private static readonly Gen<string> ConfigLikeText =
        Gen.ArrayOf(Gen.Frequency(
            (8, Gen.Elements(Pieces)),
            (2, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())))).Select(string.Concat);

    [Property(MaxTest = 3000)]
    public Property RandomText_NeverThrows() =>
        Prop.ForAll(ConfigLikeText.ToArbitrary(), text =>
        {
            TrackerConfigResult r = TrackerConfigLoader.Load(text);
            Assert.Equal(r.IsOk, r.Config != null);
            Assert.Equal(r.IsOk, r.Error == TrackerConfigError.None);
            if (!r.IsOk)
            {
                Assert.NotEmpty(r.Message);
            }
        });

    [Property(MaxTest = 1000)]
    public Property RandomUnicode_NeverThrows(string? text) =>
        (text == null || TrackerConfigLoader.Load(text) is { } r && r.IsOk == (r.Config != null)).ToProperty();

    [Property(MaxTest = 1000)]
    public Property MutatedGoodFile_NeverThrows(int seed) =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), s =>
        {
            var random = new Random(s ^ seed);
            char[] text = (Minimal + "wifi.ssid = \"a # b\"\nreport.stopDelayS = 30\nhw.led.pin = 21\n").ToCharArray();
            int edits = random.Next(1, 6);
            for (int i = 0; i < edits; i++)
            {
                const string Noise = "=#\"\\ \n\r\t-0a9é";
                text[random.Next(text.Length)] = Noise[random.Next(Noise.Length)];
            }

            TrackerConfigResult r = TrackerConfigLoader.Load(new string(text));
            Assert.Equal(r.IsOk, r.Config != null);
        });

    // ---- the report loader's section mode ----

    [Fact]
    public void ReportLoadSection_SkipsOtherKeys_ButLoadStillRejectsThem()
    {
        string text = Minimal + "report.moving.minPeriodS = 9\n";
        ReportConfigResult section = ReportConfigLoader.LoadSection(text);
        Assert.True(section.IsOk, section.Message);
        Assert.Equal(9, section.Config!.MovingMinPeriodS);

        ReportConfigResult whole = ReportConfigLoader.Load(text);
        Assert.Equal(ReportConfigError.UnknownKey, whole.Error);
        Assert.Equal(1, whole.Line);

        ReportConfigResult syntax = ReportConfigLoader.LoadSection("car.id = x\nno equals here\n");
        Assert.Equal(ReportConfigError.MissingEquals, syntax.Error);
        Assert.Equal(2, syntax.Line);
    }
}
