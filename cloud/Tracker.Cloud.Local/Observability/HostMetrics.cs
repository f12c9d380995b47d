using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Local.Observability;

/// <summary>
/// The host's counters and gauges, served at <c>/metrics</c> in the Prometheus text format and summarised on the
/// console: fixes/s ingested, rejections by reason, the end-to-end latency histogram, connected devices and viewers,
/// and queue depths. Thread-safe; every counter is cumulative since start.
/// </summary>
public sealed class HostMetrics
{
    private const string StopLinePrefix = "tracker-local: ingest counted ";
    private readonly ConcurrentDictionary<string, long> _rejectedFixes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rejectedBatches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private long _messages;
    private long _fixesAccepted;
    private long _fixesDecoded;
    private long _devicesConnected;
    private long _viewersConnected;
    private long _ingestWaiting;
    private long _ingestWaitingPeak;
    private long _ingestRunning;
    private long _queueDropped;
    private long _ingestFailures;
    private long _liveDelivered;

    /// <summary>Creates the metrics.</summary>
    /// <param name="clock">The clock for rates.</param>
    public HostMetrics(TimeProvider clock)
    {
        FixRate = new RateMeter(clock);
        Started = Stopwatch.StartNew();
    }

    /// <summary>Fixes stored per second.</summary>
    public RateMeter FixRate { get; }

    /// <summary>Device publish call to the fix stored and readable through the API.</summary>
    public LatencyHistogram PublishToStored { get; } = new();

    /// <summary>Device publish call to the batch handed to the browsers' subscriptions.</summary>
    public LatencyHistogram PublishToLive { get; } = new();

    /// <summary>The simulated fleet's unacknowledged fixes (sum of the cars' FixLog pending counts); set by the fleet.</summary>
    public Func<long> FleetPending { get; set; } = () => 0;

    /// <summary>Cars simulated; set by the fleet.</summary>
    public Func<int> FleetCars { get; set; } = () => 0;

    /// <summary>The store's group commit sizes (SQLite); null for a store that does not group its writes.</summary>
    public GroupSizes? StoreGroups { get; set; }

    /// <summary>Time since the host started.</summary>
    public Stopwatch Started { get; }

    /// <summary>Fix messages ingested (accepted or not).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Fixes newly stored.</summary>
    public long FixesAccepted => Interlocked.Read(ref _fixesAccepted);

    /// <summary>Fixes decoded from messages.</summary>
    public long FixesDecoded => Interlocked.Read(ref _fixesDecoded);

    /// <summary>Cars connected over mutual TLS now.</summary>
    public long DevicesConnected => Interlocked.Read(ref _devicesConnected);

    /// <summary>Browsers connected over WebSocket now.</summary>
    public long ViewersConnected => Interlocked.Read(ref _viewersConnected);

    /// <summary>Messages waiting for an ingest slot now.</summary>
    public long IngestWaiting => Interlocked.Read(ref _ingestWaiting);

    /// <summary>Messages holding an ingest slot now (being read, stored or derived).</summary>
    public long IngestRunning => Interlocked.Read(ref _ingestRunning);

    /// <summary>
    /// The most messages that waited for an ingest slot at once since start. Each car connection has at most one message in
    /// ingest (MQTTnet reads a connection's next packet only once the broker has answered the one before), so this stays
    /// at or below the cars connected, however far the store falls behind.
    /// </summary>
    public long IngestWaitingPeak => Interlocked.Read(ref _ingestWaitingPeak);

    /// <summary>Messages dropped from a subscriber's full queue, oldest first (a browser that does not keep up with the live feed).</summary>
    public long QueueDropped => Interlocked.Read(ref _queueDropped);

    /// <summary>Messages whose ingest failed with a storage error (the car was not acknowledged and will resend).</summary>
    public long IngestFailures => Interlocked.Read(ref _ingestFailures);

    /// <summary>Fixes rejected by filter, by filter name.</summary>
    public IReadOnlyDictionary<string, long> RejectedFixes => _rejectedFixes;

    /// <summary>Messages rejected whole, by reason.</summary>
    public IReadOnlyDictionary<string, long> RejectedBatches => _rejectedBatches;

    /// <summary>Refused client actions (connect, publish, subscribe), by reason.</summary>
    public IReadOnlyDictionary<string, long> Refused => _refused;

    /// <summary>Counts one ingested message's outcome.</summary>
    /// <param name="result">What ingest did.</param>
    public void Ingested(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _fixesAccepted, result.Accepted);
        Interlocked.Add(ref _fixesDecoded, result.Decoded);
        FixRate.Add(result.Accepted);
        if (result.Rejection != BatchRejection.None)
        {
            _rejectedBatches.AddOrUpdate(result.Rejection.ToString(), 1, (_, n) => n + 1);
        }

        foreach ((string name, int count) in result.RejectedByName)
        {
            if (count > 0)
            {
                _rejectedFixes.AddOrUpdate(name, count, (_, n) => n + count);
            }
        }
    }

    /// <summary>Counts a storage failure.</summary>
    public void IngestFailed() => Interlocked.Increment(ref _ingestFailures);

    /// <summary>Counts a refused client action.</summary>
    /// <param name="reason">A short stable reason (<c>device-topic</c>, <c>viewer-subscribe</c>...).</param>
    public void Refuse(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Moves the connected-devices gauge.</summary>
    /// <param name="delta">+1 or -1.</param>
    public void DeviceConnections(int delta) => Interlocked.Add(ref _devicesConnected, delta);

    /// <summary>Moves the connected-viewers gauge.</summary>
    /// <param name="delta">+1 or -1.</param>
    public void ViewerConnections(int delta) => Interlocked.Add(ref _viewersConnected, delta);

    /// <summary>Moves the ingest-waiting gauge.</summary>
    /// <param name="delta">+1 or -1.</param>
    public void IngestQueue(int delta)
    {
        long now = Interlocked.Add(ref _ingestWaiting, delta);
        long peak = Interlocked.Read(ref _ingestWaitingPeak);
        while (now > peak)
        {
            long seen = Interlocked.CompareExchange(ref _ingestWaitingPeak, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    /// <summary>Moves the ingest-running gauge.</summary>
    /// <param name="delta">+1 or -1.</param>
    public void IngestRunningNow(int delta) => Interlocked.Add(ref _ingestRunning, delta);

    /// <summary>Counts a message dropped from a subscriber's full queue.</summary>
    public void QueueDrop() => Interlocked.Increment(ref _queueDropped);

    /// <summary>Counts a batch republished to browsers.</summary>
    public void LiveRepublished() => Interlocked.Increment(ref _liveDelivered);

    /// <summary>The line tracker-local prints once it has stopped: its final ingest counts, writes during the stop included.</summary>
    /// <returns>The line.</returns>
    public string StopLine() => string.Create(CultureInfo.InvariantCulture, $"{StopLinePrefix}{FixesAccepted} fixes newly stored from {Messages} messages since start");

    /// <summary>Reads the counts back from the output of a tracker-local that stopped (<see cref="StopLine"/>; the last such line wins).</summary>
    /// <param name="output">Its output.</param>
    /// <param name="fixes">Fixes newly stored.</param>
    /// <param name="messages">Messages ingested.</param>
    /// <returns>True when the line was there and well formed.</returns>
    public static bool TryReadStopLine(string output, out long fixes, out long messages)
    {
        ArgumentNullException.ThrowIfNull(output);
        fixes = 0;
        messages = 0;
        int at = output.LastIndexOf(StopLinePrefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        int end = output.IndexOf('\n', at);
        string[] words = output[(at + StopLinePrefix.Length)..(end < 0 ? output.Length : end)].Trim().Split(' ');
        return words.Length >= 6 && words[1] == "fixes" && words[4] == "from"
            && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out fixes)
            && long.TryParse(words[5], NumberStyles.None, CultureInfo.InvariantCulture, out messages);
    }

    /// <summary>The Prometheus text exposition (format 0.0.4).</summary>
    /// <returns>The text.</returns>
    public string ToPrometheus()
    {
        var s = new StringBuilder(4096);
        Counter(s, "tracker_ingest_messages_total", "Fix messages ingested.", Messages);
        Counter(s, "tracker_ingest_fixes_decoded_total", "Fixes decoded from messages.", FixesDecoded);
        Counter(s, "tracker_ingest_fixes_total", "Fixes newly stored.", FixesAccepted);
        Gauge(s, "tracker_ingest_fixes_per_second", "Fixes stored per second, mean of the last 10 s.", FixRate.PerSecond());
        Labelled(s, "tracker_ingest_rejected_fixes_total", "Fixes rejected by an ingest filter, by filter.", "filter", _rejectedFixes);
        Labelled(s, "tracker_ingest_rejected_messages_total", "Messages rejected whole, by reason.", "reason", _rejectedBatches);
        Counter(s, "tracker_ingest_failures_total", "Messages whose ingest failed on storage (not acknowledged; the car resends).", IngestFailures);
        Labelled(s, "tracker_broker_refused_total", "Client actions the broker refused, by reason.", "reason", _refused);
        Counter(s, "tracker_live_republished_total", "Fix batches republished to fleet/{car}/fixes.", Interlocked.Read(ref _liveDelivered));
        PublishToStored.WritePrometheus(s, "tracker_e2e_latency_seconds", "Simulated car publish call to the fix stored (api) or handed to viewers (live).", "stage=\"api\"", true);
        PublishToLive.WritePrometheus(s, "tracker_e2e_latency_seconds", string.Empty, "stage=\"live\"", false);
        Gauge(s, "tracker_devices_connected", "Cars connected over mutual TLS.", DevicesConnected);
        Gauge(s, "tracker_viewers_connected", "Browsers connected over MQTT WebSocket.", ViewersConnected);
        Gauge(s, "tracker_ingest_queue_depth", "Messages waiting for an ingest slot.", IngestWaiting);
        Gauge(s, "tracker_ingest_queue_depth_peak", "The most messages that waited for an ingest slot at once since start (at most one a car connection).", IngestWaitingPeak);
        Gauge(s, "tracker_ingest_in_progress", "Messages holding an ingest slot (being stored).", IngestRunning);
        if (StoreGroups is { } groups)
        {
            WriteGroups(s, groups);
        }

        Counter(s, "tracker_broker_queue_dropped_total", "Messages dropped, oldest first, from a subscriber's full queue (a browser behind the live feed).", QueueDropped);
        Gauge(s, "tracker_fleet_pending_fixes", "Fixes in the simulated cars' flash logs not yet acknowledged.", FleetPending());
        Gauge(s, "tracker_fleet_cars", "Simulated cars.", FleetCars());
        using var process = Process.GetCurrentProcess();
        Gauge(s, "process_resident_memory_bytes", "Resident set size.", process.WorkingSet64);
        Gauge(s, "dotnet_gc_heap_bytes", "Managed heap size after the last GC.", GC.GetGCMemoryInfo().HeapSizeBytes);
        Gauge(s, "process_uptime_seconds", "Seconds since the host started.", Started.Elapsed.TotalSeconds);
        return s.ToString();
    }

    private static void WriteGroups(StringBuilder s, GroupSizes groups)
    {
        const string Name = "tracker_store_group_messages";
        s.Append("# HELP ").Append(Name).Append(" Messages written in one store transaction (group commit), per transaction.\n# TYPE ").Append(Name).Append(" histogram\n");
        for (int i = 0; i < GroupSizes.Bounds.Count; i++)
        {
            s.Append(Name).Append("_bucket{le=\"").Append(GroupSizes.Bounds[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(groups.AtMost(i).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        s.Append(Name).Append("_bucket{le=\"+Inf\"} ").Append(groups.Groups.ToString(CultureInfo.InvariantCulture)).Append('\n');
        s.Append(Name).Append("_sum ").Append(groups.Messages.ToString(CultureInfo.InvariantCulture)).Append('\n');
        s.Append(Name).Append("_count ").Append(groups.Groups.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Gauge(s, "tracker_store_group_messages_max", "The most messages one store transaction held since start.", groups.Largest);
    }

    private static void Counter(StringBuilder s, string name, string help, long value)
    {
        s.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        s.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Gauge(StringBuilder s, string name, string help, double value)
    {
        s.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        s.Append(name).Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Labelled(StringBuilder s, string name, string help, string label, ConcurrentDictionary<string, long> values)
    {
        s.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach ((string key, long value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            s.Append(name).Append('{').Append(label).Append("=\"").Append(Escape(key)).Append("\"} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
