using System.Globalization;
using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Input;
using Tracker.BenchTool.Output;
using Tracker.BenchTool.Replay;
using Tracker.Core.Config;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>replay &lt;log|-&gt; --to host [--policy FILE] [--batch N] [--car ID] [--config FILE]</c>: the shared
/// core, with the device's defaults or a car's tracker.conf, over a simulated link that acknowledges
/// everything; one line per message that would be published, then totals and the bytes per fix,
/// payload only and with the MQTT packets around it.
/// </summary>
public static class HostReplayCommand
{
    /// <summary>The car id (and so the topics) when neither --car nor --config gives one.</summary>
    public const string DefaultCar = "bench";

    public static int Run(Arguments a, TextWriter stdout, TextReader? stdin)
    {
        TrackerConfig tracker;
        if (a.Value("config") is string path)
        {
            foreach (string o in new[] { "car", "policy" })
            {
                if (a.Has(o))
                {
                    throw new UsageException($"--{o} does not apply with --config: the file's {(o == "car" ? "car.id" : "report.* keys")} apply");
                }
            }

            tracker = TrackerConfigFile.Load(path);
        }
        else
        {
            tracker = TrackerConfigFile.Defaults(a.Value("car") ?? DefaultCar);
        }

        ReportConfig report = a.Value("policy") is string p ? PolicyFile.Load(p) : tracker.Report;
        int batch = a.Int("batch", tracker.Uplink.MaxFixesPerBatch, 1, UplinkOptions.MaxFixesPerBatchLimit);
        UplinkOptions options = TrackerConfigFile.WithBatch(tracker.Uplink, batch);
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        string directory = Path.Combine(Path.GetTempPath(), "tracker-bench-replay-" + Guid.NewGuid().ToString("N"));
        HostReplayResult r;
        try
        {
            r = HostReplay.Run(input, report, options, tracker.FixLogCapacityBytes, directory);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        Write(r, stdout);
        return 0;
    }

    private static void Write(HostReplayResult r, TextWriter stdout)
    {
        var inv = CultureInfo.InvariantCulture;
        int topicWidth = Math.Max(5, r.Messages.Select(m => m.Topic.Length).DefaultIfEmpty(0).Max());
        stdout.WriteLine(string.Create(inv, $"{"sent",-24}  {"topic".PadRight(topicWidth)}  {"bytes",6}  {"fixes",5}  {"first",-24}  last"));
        foreach (PublishedMessage m in r.Messages)
        {
            string first = m.Fixes == 0 ? "-" : FixJson.Time(m.FirstTimeMs);
            string last = m.Fixes == 0 ? "-" : FixJson.Time(m.LastTimeMs);
            stdout.WriteLine(string.Create(inv, $"{FixJson.Time(m.SentAtMs),-24}  {m.Topic.PadRight(topicWidth)}  {m.PayloadBytes,6}  {m.Fixes,5}  {first,-24}  {last}"));
        }

        PublishedMessage[] batches = [.. r.Messages.Where(m => m.Topic == r.FixTopic)];
        PublishedMessage[] others = [.. r.Messages.Where(m => m.Topic != r.FixTopic)];
        long fixes = batches.Sum(m => (long)m.Fixes);
        long batchPayload = batches.Sum(m => (long)m.PayloadBytes), otherPayload = others.Sum(m => (long)m.PayloadBytes);
        long batchWire = batches.Sum(m => (long)m.WireBytes), otherWire = others.Sum(m => (long)m.WireBytes);
        string PerFix(long bytes) => fixes == 0 ? "-" : ((double)bytes / fixes).ToString("F2", inv);

        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"messages {r.Messages.Count}: fix batches {batches.Length}, status {others.Length}"));
        stdout.WriteLine(string.Create(inv, $"payload bytes {batchPayload + otherPayload}: fix batches {batchPayload}, status {otherPayload}"));
        stdout.WriteLine(string.Create(inv, $"MQTT bytes (PUBLISH + PUBACK, QoS 1) {batchWire + otherWire}: fix batches {batchWire}, status {otherWire}"));
        stdout.WriteLine(string.Create(inv, $"fixes: read {r.FixesRead}, recorded {r.FixesRecorded}, published {fixes}, left in the log {r.PendingAtEnd}"));
        stdout.WriteLine($"bytes per fix, fix batches: payload {PerFix(batchPayload)}, with MQTT {PerFix(batchWire)}");
        stdout.WriteLine($"bytes per fix, all messages with MQTT: {PerFix(batchWire + otherWire)}");
    }
}
