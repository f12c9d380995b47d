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
    public void FixCount_WhenEveryFixIsStoredRejectedOrLeft_LosesNone()
    {
        HostMetricsText page = HostMetricsText.Parse(
            "tracker_ingest_fixes_total 90\ntracker_ingest_rejected_fixes_total{filter=\"duplicate\"} 7\ntracker_ingest_rejected_fixes_total{filter=\"zero\"} 4\n");

        FixCount count = FixCount.Of(recorded: 100, left: 6, page, storedRows: 90);

        Assert.Equal(0, count.Lost);
        Assert.Equal(7, count.Duplicates);
        Assert.Contains("lost 0", count.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FixCount_WhenAFixIsNowhere_CountsItLost()
    {
        FixCount count = FixCount.Of(recorded: 100, left: 0, HostMetricsText.Parse("tracker_ingest_fixes_total 99\n"), storedRows: 99);

        Assert.Equal(1, count.Lost);
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
