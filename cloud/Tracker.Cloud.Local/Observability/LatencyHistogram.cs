using System.Globalization;
using System.Text;

namespace Tracker.Cloud.Local.Observability;

/// <summary>
/// A latency histogram for <c>/metrics</c> (Prometheus cumulative buckets, seconds) that also keeps the most recent
/// samples, so the console and the benchmark can report exact p50/p99 instead of bucket estimates. Thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private static readonly double[] BoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
    private readonly long[] _buckets = new long[BoundsMs.Length + 1];
    private readonly double[] _recent;
    private readonly Lock _gate = new();
    private long _count;
    private double _sumMs;
    private int _next;
    private int _filled;

    /// <summary>Creates a histogram that keeps the last <paramref name="recentCapacity"/> samples for exact quantiles.</summary>
    /// <param name="recentCapacity">Samples kept.</param>
    public LatencyHistogram(int recentCapacity = 200_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recentCapacity, 1);
        _recent = new double[recentCapacity];
    }

    /// <summary>Samples recorded since start.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Records one latency.</summary>
    /// <param name="milliseconds">The latency (negative values, from clock steps, count as 0).</param>
    public void Record(double milliseconds)
    {
        double ms = Math.Max(0, milliseconds);
        int bucket = Array.BinarySearch(BoundsMs, ms);
        bucket = bucket >= 0 ? bucket : ~bucket;
        lock (_gate)
        {
            _buckets[bucket]++;
            _count++;
            _sumMs += ms;
            _recent[_next] = ms;
            _next = (_next + 1) % _recent.Length;
            _filled = Math.Min(_filled + 1, _recent.Length);
        }
    }

    /// <summary>Exact quantiles over the kept samples (NaN when there are none).</summary>
    /// <param name="quantiles">Each in [0, 1].</param>
    /// <returns>The latencies in ms, in the order asked.</returns>
    public double[] Quantiles(params double[] quantiles)
    {
        ArgumentNullException.ThrowIfNull(quantiles);
        double[] copy;
        lock (_gate)
        {
            copy = _recent.AsSpan(0, _filled).ToArray();
        }

        Array.Sort(copy);
        return [.. quantiles.Select(q => copy.Length == 0 ? double.NaN : copy[Math.Clamp((int)Math.Ceiling(q * copy.Length) - 1, 0, copy.Length - 1)])];
    }

    /// <summary>Forgets the kept samples (the counters for /metrics stay cumulative).</summary>
    public void ResetRecent()
    {
        lock (_gate)
        {
            _next = 0;
            _filled = 0;
        }
    }

    /// <summary>Writes the histogram in the Prometheus text format (version 0.0.4), in seconds.</summary>
    /// <param name="output">Where.</param>
    /// <param name="name">The metric name (ends in <c>_seconds</c>).</param>
    /// <param name="help">The HELP text.</param>
    /// <param name="labels">Extra labels, already formatted (<c>stage="api"</c>) or empty.</param>
    /// <param name="writeHeader">Whether to write HELP and TYPE (once per metric name).</param>
    public void WritePrometheus(StringBuilder output, string name, string help, string labels, bool writeHeader)
    {
        ArgumentNullException.ThrowIfNull(output);
        long[] buckets;
        long count;
        double sum;
        lock (_gate)
        {
            buckets = (long[])_buckets.Clone();
            count = _count;
            sum = _sumMs;
        }

        if (writeHeader)
        {
            output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            output.Append("# TYPE ").Append(name).Append(" histogram\n");
        }

        string sep = labels.Length == 0 ? string.Empty : labels + ",";
        long cumulative = 0;
        for (int i = 0; i < BoundsMs.Length; i++)
        {
            cumulative += buckets[i];
            output.Append(name).Append("_bucket{").Append(sep).Append("le=\"").Append((BoundsMs[i] / 1000).ToString("0.###", CultureInfo.InvariantCulture)).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        output.Append(name).Append("_bucket{").Append(sep).Append("le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        string braces = labels.Length == 0 ? string.Empty : "{" + labels + "}";
        output.Append(name).Append("_sum").Append(braces).Append(' ').Append((sum / 1000).ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        output.Append(name).Append("_count").Append(braces).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
