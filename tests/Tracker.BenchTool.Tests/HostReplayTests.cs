using System.Text;
using Tracker.BenchTool.Commands;
using Tracker.BenchTool.Input;
using Tracker.BenchTool.Output;
using Tracker.BenchTool.Replay;
using Tracker.Core.Config;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;

namespace Tracker.BenchTool.Tests;

public class HostReplayTests
{
    private const string Drive = "drives/garmin-drive-2005.nmea";

    private static string DemoDrive => Path.Combine(AppContext.BaseDirectory, "samples", "demo-drive.nmea");

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = BenchCli.Run(args, o, e, new StringReader(stdin));
        return (code, o.ToString(), e.ToString());
    }

    private static HostReplayResult Replay(string path, ReportConfig? config = null, int batch = UplinkOptions.DefaultMaxFixesPerBatch)
    {
        string directory = Path.Combine(Path.GetTempPath(), "replay-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using Stream input = File.OpenRead(path);
            TrackerConfig defaults = TrackerConfigFile.Defaults("car-0042");
            return HostReplay.Run(input, config ?? defaults.Report, TrackerConfigFile.WithBatch(defaults.Uplink, batch), defaults.FixLogCapacityBytes, directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Fix[] Decode(PublishedMessage m)
    {
        var fixes = new Fix[BatchFormat.MaxFixes];
        Assert.True(BatchDecoder.TryDecode(m.Payload, 0, m.Payload.Length, fixes, out int count, out _));
        return fixes[..count];
    }

    [Fact]
    public void HostReplay_OfTheDemoDrive_PublishesEveryRecordedFixOnce_AndNothingElse()
    {
        HostReplayResult r = Replay(DemoDrive);

        string[] published = [.. r.Messages.Where(m => m.Topic == "tracker/car-0042/fixes").SelectMany(Decode).OrderBy(f => f.TimeMs).Select(f => FixJson.Format(f))];
        string[] recorded = [.. Run("", "report", DemoDrive).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(",\"reason\"", StringComparison.Ordinal)] + "}")];
        Assert.Equal(recorded, published);
        Assert.Equal(recorded.Length, r.FixesRecorded);
        Assert.Equal(0, r.PendingAtEnd);
        Assert.All(r.Messages, m => Assert.True(m.Topic is "tracker/car-0042/fixes" or "tracker/car-0042/status", m.Topic));
        Assert.All(r.Messages, m => Assert.True(m.PayloadBytes <= UplinkOptions.DefaultMaxMessageBytes));
    }

    [Fact]
    public void HostReplay_MqttBytes_AgreeWithTheUplinksOwnCounters()
    {
        HostReplayResult r = Replay(DemoDrive, batch: 5);
        PublishedMessage[] batches = [.. r.Messages.Where(m => m.Topic == r.FixTopic)];

        Assert.True(batches.Length > 5);
        Assert.Equal(r.Uplink.PayloadBytes, batches.Sum(m => (long)m.PayloadBytes));
        Assert.Equal(r.Uplink.FixPublishBytes + r.Uplink.FixPubackBytes, batches.Sum(m => (long)m.WireBytes));
        Assert.Equal(r.Uplink.FixesSent, batches.Sum(m => (long)m.Fixes));
        Assert.All(batches, m => Assert.InRange(m.Fixes, 1, 6)); // 5 from the backlog, plus the newest fix in the lead
    }

    [Theory]
    [InlineData("a/b", 10, 19)] // remaining length 2 + 3 + 2 + 10 = 17: one length byte
    [InlineData("t", 122, 129)] // remaining length 127: still one byte
    [InlineData("t", 123, 131)] // 128: two bytes (MQTT 3.1.1 §2.2.3)
    [InlineData("t", 16_378, 16_386)] // 16,383: two bytes
    [InlineData("t", 16_379, 16_388)] // 16,384: three bytes
    [InlineData("tracker/bé", 0, 1 + 1 + 2 + 11 + 2)] // the topic length counts UTF-8 bytes
    public void PublishPacketBytes_OfAQos1Publish_FollowsTheFixedHeaderRules(string topic, int payload, int expected)
    {
        Assert.Equal(expected, UplinkCounters.PublishPacketBytes(Encoding.UTF8.GetByteCount(topic), payload));
    }

    [Fact]
    public void ReplayToHost_PrintsOneLinePerMessage_AndTheBytesPerFix()
    {
        var (code, output, error) = Run("", "replay", DemoDrive, "--to", "host", "--car", "car-7");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sent", lines[0], StringComparison.Ordinal);
        string[] messages = [.. lines.Skip(1).TakeWhile(l => l.StartsWith("20", StringComparison.Ordinal))];
        Assert.Contains(messages, l => l.Contains("  tracker/car-7/status ", StringComparison.Ordinal));
        Assert.Contains(messages, l => l.Contains("  tracker/car-7/fixes ", StringComparison.Ordinal));
        Assert.Contains($"messages {messages.Length}: ", output, StringComparison.Ordinal);
        Assert.Matches(@"fixes: read 580, recorded \d+, published \d+, left in the log 0", output);
        Assert.Matches(@"bytes per fix, fix batches: payload \d+\.\d\d, with MQTT \d+\.\d\d", output);
    }

    [Fact]
    public void ReplayToHost_WithAPolicyFile_UsesIt()
    {
        string policy = Path.GetTempFileName();
        try
        {
            File.WriteAllText(policy, "report.moving.maxPeriodS=1\nreport.moving.minPeriodS=1\n");
            string Recorded(params string[] extra) =>
                System.Text.RegularExpressions.Regex.Match(Run("", ["replay", DemoDrive, "--to", "host", .. extra]).Out, @"recorded (\d+)").Groups[1].Value;

            Assert.True(int.Parse(Recorded("--policy", policy)) > 2 * int.Parse(Recorded()));
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public void ReplayToHost_WithACarsConfigFile_UsesItsCarIdUplinkAndPolicy()
    {
        string conf = Path.GetTempFileName();
        try
        {
            string common = "car.id = car-9\nmqtt.endpoint = example.invalid\ntls.caFile = ca.pem\ntls.certFile = d.crt\ntls.keyFile = d.key\ncell.apn = \"\"\n";
            File.WriteAllText(conf, common + "uplink.liveWhenMoving = false\n");
            var (code, notLive, error) = Run("", "replay", DemoDrive, "--to", "host", "--config", conf);
            Assert.True(code == 0, error);
            Assert.Contains("  tracker/car-9/fixes ", notLive, StringComparison.Ordinal);

            File.WriteAllText(conf, common + "uplink.liveWhenMoving = true\n");
            var (_, live, _) = Run("", "replay", DemoDrive, "--to", "host", "--config", conf);
            int Batches(string output) => System.Text.RegularExpressions.Regex.Matches(output, "  tracker/car-9/fixes ").Count;
            Assert.True(Batches(live) > 2 * Batches(notLive), $"live {Batches(live)}, not live {Batches(notLive)}");

            File.WriteAllText(conf, common + "uplink.batchFixes = 0\n");
            var (bad, output, message) = Run("", "replay", DemoDrive, "--to", "host", "--config", conf);
            Assert.Equal(2, bad);
            Assert.Empty(output);
            Assert.Contains("line 7", message, StringComparison.Ordinal);
            Assert.Contains("uplink.batchFixes", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(conf);
        }
    }

    [SharedDataFact(Drive)]
    public void HostReplay_OfTheGarminDrive_DeliversEveryRecordedFix_AcrossMidnightAndLoggerPauses()
    {
        HostReplayResult r = Replay(SharedData.File(Drive)!);

        Assert.Equal(4469, r.FixesRead);
        Assert.Equal(r.FixesRecorded, r.Messages.Sum(m => (long)m.Fixes));
        Assert.Equal(0, r.PendingAtEnd);
        Assert.Equal(0, r.Uplink.Rewinds);
    }
}
