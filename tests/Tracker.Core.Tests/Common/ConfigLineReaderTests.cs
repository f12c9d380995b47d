using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Common;
using Tracker.Core.Config;
using Tracker.Core.Reporting;

namespace Tracker.Core.Tests.Common;

/// <summary>
/// The one reader of the firmware's key = value text, and what it means that tracker.conf and the
/// report configuration share it: the same line reads the same way in both.
/// </summary>
public class ConfigLineReaderTests
{
    private const string Minimal =
        "car.id = car-42\n" +
        "mqtt.endpoint = broker.example\n" +
        "tls.caFile = ca.pem\n" +
        "tls.certFile = dev.crt\n" +
        "tls.keyFile = dev.key\n" +
        "cell.apn = iot.example\n";

    private static List<(int Line, ConfigLineError Error, string Key)> Lines(string text)
    {
        var reader = new ConfigLineReader(text);
        var lines = new List<(int, ConfigLineError, string)>();
        while (reader.MoveNext())
        {
            lines.Add((reader.Line, reader.Error, reader.Key));
        }

        return lines;
    }

    private static (ConfigLineError Error, string Value, bool Quoted, string Problem) Value(string line)
    {
        var reader = new ConfigLineReader(line);
        Assert.True(reader.MoveNext());
        Assert.Equal(ConfigLineError.None, reader.Error);
        ConfigLineError error = reader.ReadValue(out string value, out bool quoted, out string problem);
        return (error, value, quoted, problem);
    }

    [Fact]
    public void Lines_SkipBlanksCommentsAndTheBom_AndCountEveryLine()
    {
        var lines = Lines("\uFEFF# head\r\n\r\n  a = 1  # one\r\n\t\nb=2\n  # c = 3\n = 4\nno equals # = here\n");
        Assert.Equal(
            [(3, ConfigLineError.None, "a"), (5, ConfigLineError.None, "b"), (7, ConfigLineError.EmptyKey, ""), (8, ConfigLineError.MissingEquals, "no equals")],
            lines);
    }

    [Theory]
    [InlineData("k = plain value  # comment", "plain value", false)]
    [InlineData("k = \"  spaced # not a comment \"  # comment", "  spaced # not a comment ", true)]
    [InlineData("k = \"a\\\"b\\\\c\"", "a\"b\\c", true)]
    [InlineData("k = \"\"", "", true)]
    [InlineData("k =   # nothing", "", false)]
    [InlineData("k = a = b", "a = b", false)]
    [InlineData("k\t=\t7\r", "7", false)]
    public void Values_AreBareOrQuoted(string line, string expected, bool quoted)
    {
        (ConfigLineError error, string value, bool isQuoted, _) = Value(line);
        Assert.Equal((ConfigLineError.None, expected, quoted), (error, value, isQuoted));
    }

    [Theory]
    [InlineData("k = \"open", "no closing")]
    [InlineData("k = \"a\\b\"", "must be followed by")]
    [InlineData("k = \"a\" b", "only a comment may follow")]
    [InlineData("k = a\"b", "must be quoted whole")]
    public void BadQuoting_IsNamed(string line, string problem)
    {
        (ConfigLineError error, _, _, string why) = Value(line);
        Assert.Equal(ConfigLineError.BadQuotes, error);
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public Property QuoteValue_ReadsBackExactly() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0x20, 0x24FF).Select(c => (char)c)).Select(c => new string(c)).ToArbitrary(), text =>
        {
            (ConfigLineError error, string value, bool quoted, _) = Value("k = " + ConfigLineReader.QuoteValue(text) + " # set by the tool");
            return error == ConfigLineError.None && quoted && value == text;
        });

    [Fact]
    public void TheReportFile_FollowsTheQuotingRulesOfTrackerConf()
    {
        ReportConfigResult quoted = ReportConfigLoader.Load("report.stopDelayS = 3\"0\n");
        Assert.Equal((ReportConfigError.BadQuotes, 1, "report.stopDelayS"), (quoted.Error, quoted.Line, quoted.Key));

        TrackerConfigResult inConf = TrackerConfigLoader.Load(Minimal + "report.stopDelayS = 3\"0\n");
        Assert.Equal((TrackerConfigError.BadQuotes, 7, "report.stopDelayS"), (inConf.Error, inConf.Line, inConf.Key));
        Assert.Equal(quoted.Message.Replace("line 1", "line 7", StringComparison.Ordinal), inConf.Message);
    }

    [Fact]
    public void AnEmptyOrQuotedNumber_IsNotAWholeNumber_InEitherFile()
    {
        Assert.Equal(ReportConfigError.BadNumber, ReportConfigLoader.Load("report.stopDelayS =").Error);
        Assert.Equal(TrackerConfigError.BadNumber, TrackerConfigLoader.Load(Minimal + "mqtt.port =\n").Error);
        TrackerConfigResult r = TrackerConfigLoader.Load(Minimal + "mqtt.port = \"8883\"\n");
        Assert.Equal("line 7: mqtt.port = '\"8883\"' is not a whole number", r.Message);
        Assert.Equal(TrackerConfigError.EmptyValue, TrackerConfigLoader.Load(Minimal + "cell.user =\n").Error);
    }

    private static readonly Gen<string> ReportLine =
        Gen.Frequency(
            (6, from key in Gen.Elements(Enumerable.Range(0, ReportSetting.Count).Select(i => ReportSetting.At(i).Key).ToArray())
                from value in Gen.Elements("5", "30", "0", "-1", "600", "", "\"5\"", "5\"", "x", "99999999999")
                select key + " = " + value),
            (1, Gen.Elements("report.x = 1", "report.moving.minPeriodS", " = 5", "# comment", "")));

    private static readonly Gen<string> TrackerLine =
        Gen.Elements("mqtt.port = 443", "mqtt.port = 0", "cell.rat = both", "cell.user = \"x\"", "wifi.ssid = \"a # b\"", "hw.led.pin = 21", "# x");

    /// <summary>
    /// One reader, one set of rules: whatever tracker.conf holds, its report lines give what the
    /// report loader gives them (the config, or the same error on the same line) unless an error on
    /// an earlier tracker line wins.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property ReportLines_ReadTheSame_InTrackerConf_AndAlone() =>
        Prop.ForAll(Gen.ListOf(Gen.Frequency((3, ReportLine), (1, TrackerLine))).Select(l => string.Join("\n", l)).ToArbitrary(), body =>
        {
            string text = Minimal + body;
            ReportConfigResult alone = ReportConfigLoader.LoadSection(text);
            TrackerConfigResult conf = TrackerConfigLoader.Load(text);
            if (conf.IsOk)
            {
                Assert.True(alone.IsOk, alone.Message);
                Assert.Equal(Values(alone.Config!), Values(conf.Config!.Report));
            }
            else if (!alone.IsOk && (conf.Line == alone.Line || conf.Key.StartsWith("report.", StringComparison.Ordinal)))
            {
                Assert.Equal((alone.Line, alone.Key, alone.Message), (conf.Line, conf.Key, conf.Message));
                Assert.Equal((int)alone.Error, (int)conf.Error);
            }
            else if (!alone.IsOk)
            {
                Assert.True(conf.Line > 0 && conf.Line <= alone.Line, $"{conf.Message} came before {alone.Message}");
            }
        });

    [Fact]
    public void TheDraft_TakesKeysOneAtATime_AsAShadowDocumentWill()
    {
        var draft = new TrackerConfigDraft();
        string[] keys = ["car.id", "mqtt.endpoint", "tls.caFile", "tls.certFile", "tls.keyFile", "cell.apn", "report.moving.minPeriodS"];
        string[] values = ["car-7", "broker.example", "ca.pem", "dev.crt", "dev.key", "", "9"];
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Null(draft.Set(keys[i], values[i], quoted: keys[i] == "cell.apn", line: i + 1));
        }

        TrackerConfigResult first = draft.Build();
        Assert.True(first.IsOk, first.Message);
        Assert.Equal(9, first.Config!.Report.MovingMinPeriodS);

        TrackerConfigResult? bad = draft.Set("report.moving.minPeriodS", "10", quoted: false, line: 8);
        Assert.Equal(TrackerConfigError.DuplicateKey, bad!.Error);
        Assert.Equal(TrackerConfigError.UnknownKey, draft.Set("mqtt.nope", "1", quoted: false, line: 9)!.Error);
        Assert.Null(draft.Set("mqtt.port", "443", quoted: false, line: 10));
        Assert.Equal(8883, first.Config.MqttPort); // a built configuration does not change with its draft
        Assert.Equal(443, draft.Build().Config!.MqttPort);
        Assert.Throws<ArgumentOutOfRangeException>(() => draft.Set("uplink.maxInFlight", "2", quoted: false, line: 0));
    }

    private static int[] Values(ReportConfig c) => [.. Enumerable.Range(0, ReportSetting.Count).Select(i => c.Get(ReportSetting.At(i)))];
}
