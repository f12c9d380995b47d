using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

public sealed class HostMetricsTextTests
{
    [Fact]
    public void Parse_OfTheHostsOwnPage_ReadsCountersGaugesAndLabels()
    {
        var metrics = new HostMetrics(TimeProvider.System);
        metrics.DeviceConnections(+1);
        metrics.DeviceConnections(+1);
        metrics.Refuse("device-topic");
        metrics.Refuse("device-topic");
        metrics.Refuse("subscribe");

        HostMetricsText page = HostMetricsText.Parse(metrics.ToPrometheus());

        Assert.Equal(2, page["tracker_devices_connected"]);
        Assert.Equal(0, page["tracker_ingest_fixes_total"]);
        Assert.True(page["process_resident_memory_bytes"] > 0);
        Assert.Equal(new Dictionary<string, double> { ["device-topic"] = 2, ["subscribe"] = 1 }, page.Labelled("tracker_broker_refused_total"));
    }

    [Fact]
    public void Plus_OfTwoLivesOfAHost_AddsEachCounterAndLabel_AndKeepsWhatOnlyOneHas()
    {
        HostMetricsText first = HostMetricsText.Parse("tracker_ingest_fixes_total 100\ntracker_ingest_rejected_fixes_total{filter=\"duplicate\"} 3\n");
        HostMetricsText second = HostMetricsText.Parse("tracker_ingest_fixes_total 40\ntracker_ingest_rejected_fixes_total{filter=\"hdop\"} 2\n");

        HostMetricsText both = second.Plus(first);

        Assert.Equal(140, both["tracker_ingest_fixes_total"]);
        Assert.Equal(new Dictionary<string, double> { ["duplicate"] = 3, ["hdop"] = 2 }, both.Labelled("tracker_ingest_rejected_fixes_total"));
        Assert.Equal(40, second.Plus(HostMetricsText.Empty)["tracker_ingest_fixes_total"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# HELP x y\n# TYPE x counter")]
    [InlineData("garbage")]
    [InlineData("x notanumber\n\n   \n{} 5")]
    [InlineData("\0\0\0 \u00ff")]
    public void Parse_OfGarbage_SkipsItAndKeepsTheGoodLinesAround(string garbage)
    {
        HostMetricsText page = HostMetricsText.Parse("a 1\n" + garbage + "\nb 2.5\n");

        Assert.Equal(1, page["a"]);
        Assert.Equal(2.5, page["b"]);
        Assert.Equal(0, page["absent"]);
    }

    [Fact]
    public void TheStoreGroupHistogram_OnTheHostsPage_GivesTheWindowsMeanGroup()
    {
        var groups = new Tracker.Cloud.Sqlite.GroupSizes();
        var metrics = new HostMetrics(TimeProvider.System) { StoreGroups = groups };
        groups.Add(1);
        HostMetricsText before = HostMetricsText.Parse(metrics.ToPrometheus());
        groups.Add(4);
        groups.Add(2);
        groups.Add(3);
        HostMetricsText after = HostMetricsText.Parse(metrics.ToPrometheus());

        GroupReport window = GroupReport.Of(before, after, HostMetricsText.Empty);

        Assert.Equal((3.0, 9.0, 4.0), (window.Groups, window.Messages, window.Largest));
        Assert.Equal(2, after["tracker_store_group_messages_bucket{le=\"2\"}"]);
        Assert.Equal(4, after["tracker_store_group_messages_bucket{le=\"4\"}"]);
        Assert.Contains("3.00 messages each", window.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheHostsStopLine_ReadsBackItsFinalCounts_AndABrokenOneIsNotRead()
    {
        var metrics = new HostMetrics(TimeProvider.System);
        metrics.Ingested(new Tracker.Cloud.Core.Ingest.IngestResult("car-0001", Tracker.Cloud.Core.Ingest.BatchRejection.None, string.Empty, 5, 5, new Dictionary<Tracker.Cloud.Core.Ingest.FixFilter, int>(), false));
        string output = "tracker-local: stopping\n" + metrics.StopLine() + "\ntracker-local: stopped\n";

        Assert.True(HostMetrics.TryReadStopLine(output, out long fixes, out long messages));
        Assert.Equal((5L, 1L), (fixes, messages));
        string line = metrics.StopLine();
        foreach (string broken in new[] { string.Empty, line[..(line.Length / 2)], line.Replace("5 fixes", "x fixes", StringComparison.Ordinal), line.Replace("1 messages", "-1 messages", StringComparison.Ordinal), line + " \u0000garbage" })
        {
            bool read = HostMetrics.TryReadStopLine(broken, out long f, out long m);
            Assert.True(!read || (f, m) == (5, 1), broken);
        }
    }

    [Fact]
    public void ProcessSample_OfThisProcess_HasMemoryAndCpu_AndOfNoProcess_IsFalse()
    {
        Assert.True(ProcessSample.TryRead(Environment.ProcessId, out ProcessSample self));
        Assert.True(self.RssBytes > 0);
        Assert.True(self.PeakRssBytes >= self.RssBytes);
        Assert.True(self.CpuSeconds > 0);
        Assert.False(ProcessSample.TryRead(int.MaxValue, out _));
    }
}
