using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Tests.Unit;

public sealed class ObservabilityTests
{
    [Fact]
    public void Quantiles_AreExactOverTheKeptSamples()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 100; i++)
        {
            histogram.Record(i);
        }

        double[] q = histogram.Quantiles(0.5, 0.99, 1.0);

        Assert.Equal([50.0, 99.0, 100.0], q);
    }

    [Fact]
    public void Histogram_WritesCumulativePrometheusBuckets()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(0.5);
        histogram.Record(3);
        histogram.Record(70_000);
        var text = new System.Text.StringBuilder();

        histogram.WritePrometheus(text, "x_seconds", "help", "stage=\"api\"", true);

        string s = text.ToString();
        Assert.Contains("x_seconds_bucket{stage=\"api\",le=\"0.001\"} 1\n", s, StringComparison.Ordinal);
        Assert.Contains("x_seconds_bucket{stage=\"api\",le=\"0.005\"} 2\n", s, StringComparison.Ordinal);
        Assert.Contains("x_seconds_bucket{stage=\"api\",le=\"60\"} 2\n", s, StringComparison.Ordinal);
        Assert.Contains("x_seconds_bucket{stage=\"api\",le=\"+Inf\"} 3\n", s, StringComparison.Ordinal);
        Assert.Contains("x_seconds_count{stage=\"api\"} 3\n", s, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishTimes_ForgetsTheOldestBeyondItsCapacity()
    {
        var times = new PublishTimes(capacity: 2);
        times.Record("a", 1, 10);
        times.Record("a", 2, 20);
        times.Record("a", 3, 30);

        Assert.False(times.TryGet("a", 1, out _));
        Assert.True(times.TryGet("a", 3, out long ms));
        Assert.Equal(30, ms);
    }

    [Fact]
    public void PublishTimes_KeepsTheFirstPublishOfARepeatedBatch()
    {
        var times = new PublishTimes();
        times.Record("a", 1, 10);
        times.Record("a", 1, 99);

        Assert.True(times.TryGet("a", 1, out long ms));
        Assert.Equal(10, ms);
    }

    [Theory]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 1, 2, 3, 4 }, false)]
    [InlineData(new byte[] { 1, 0x78, 0x56, 0x34, 0x12, 0 }, true)]
    public void Crc_IsReadLittleEndianFromTheHeader_OrNotAtAll(byte[] payload, bool present)
    {
        Assert.Equal(present, PublishTimes.TryReadCrc(payload, out uint crc));
        if (present)
        {
            Assert.Equal(0x12345678u, crc);
        }
    }

    [Fact]
    public void RateMeter_AveragesFullSecondsOnly()
    {
        var time = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1000));
        var meter = new RateMeter(time, windowSeconds: 10);
        for (int s = 0; s < 10; s++)
        {
            meter.Add(50);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        meter.Add(1_000_000); // the current second is partial: not counted

        Assert.Equal(50, meter.PerSecond(), 3);
    }

    [Fact]
    public void IngestQueuePeak_KeepsTheMostThatWaitedAtOnce_AndDropsAreCounted()
    {
        var metrics = new HostMetrics(TimeProvider.System);
        metrics.IngestQueue(+1);
        metrics.IngestQueue(+1);
        metrics.IngestQueue(+1);
        metrics.IngestQueue(-1);
        metrics.IngestQueue(-1);
        metrics.IngestQueue(+1);
        metrics.QueueDrop();
        metrics.QueueDrop();

        string text = metrics.ToPrometheus();

        Assert.Equal(2, metrics.IngestWaiting);
        Assert.Equal(3, metrics.IngestWaitingPeak);
        Assert.Contains("tracker_ingest_queue_depth_peak 3\n", text, StringComparison.Ordinal);
        Assert.Contains("tracker_broker_queue_dropped_total 2\n", text, StringComparison.Ordinal);
    }
}
