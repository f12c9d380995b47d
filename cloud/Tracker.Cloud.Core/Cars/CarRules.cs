using System.Buffers;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Ingest;

namespace Tracker.Cloud.Core.Cars;

/// <summary>
/// What moving, stopped, offline and filtered mean for a car: the one definition that ingest applies to what it stores,
/// the API to what it answers (a latest position's <c>state</c>), and the web app to the live fixes it shows. The
/// browser gets these values, never its own: the local host serves them in the web app's <c>config.json</c>
/// (<c>carRules</c>, <see cref="ToJson"/>), and on AWS the stack's output <c>CarRules</c> goes there
/// (cloud/Tracker.Cloud.Web/scripts/config-from-stack.mjs). A corpus fed to both sides checks that they agree
/// (cloud/Tracker.Cloud.Web/test/fixtures/car-state-corpus.json).
/// </summary>
public sealed record CarRules
{
    /// <summary>
    /// Thirty minutes: longer than a healthy parked car stays silent, which is its heartbeat
    /// (firmware report.stopped.heartbeatS, 15 minutes by default) plus the uplink's batch period
    /// (uplink.normalPeriodS, 5 minutes), with room for one late message.
    /// </summary>
    public static readonly TimeSpan DefaultOfflineAfter = TimeSpan.FromMinutes(30);

    /// <summary>The rules the Lambda functions and the local host apply.</summary>
    public static CarRules Default { get; } = new();

    /// <summary>The filters and the moving threshold (what ingest applies when it stores a fix).</summary>
    public IngestOptions Ingest { get; init; } = new();

    /// <summary>A car is offline when its latest fix is older than this. Default <see cref="DefaultOfflineAfter"/>.</summary>
    public TimeSpan OfflineAfter { get; init; } = DefaultOfflineAfter;

    /// <summary>Checks every setting; throws naming the first bad key.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Ingest, nameof(Ingest));
        Ingest.Validate();
        if (OfflineAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("Car rule " + nameof(OfflineAfter) + " must be positive", nameof(OfflineAfter));
        }
    }

    /// <summary>The state of a car whose latest fix is at <paramref name="latestTs"/>, seen at <paramref name="nowMs"/>.</summary>
    /// <param name="latestTs">The latest fix's time, UTC epoch ms.</param>
    /// <param name="moving">Whether ingest found it moving (<see cref="Storage.StoredFix.Moving"/>).</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>Offline when the fix is more than <see cref="OfflineAfter"/> old; otherwise moving or stopped.</returns>
    public CarState StateOf(long latestTs, bool moving, long nowMs) =>
        nowMs - latestTs > (long)OfflineAfter.TotalMilliseconds ? CarState.Offline
        : moving ? CarState.Moving
        : CarState.Stopped;

    /// <summary>
    /// The rules as the web app reads them (config.json's <c>carRules</c>): <c>movingThresholdMmps</c>,
    /// <c>maxSpeedDerivationGapMs</c>, <c>offlineAfterMs</c>, <c>filters</c> (the names of those that run, in order),
    /// <c>maxFutureSkewMs</c>, <c>retentionMs</c>, <c>maxHdopX100</c>, <c>maxSpeedKmh</c>.
    /// </summary>
    /// <returns>A JSON object.</returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("movingThresholdMmps", Ingest.MovingThresholdMmps);
            json.WriteNumber("maxSpeedDerivationGapMs", (long)Ingest.MaxSpeedDerivationGap.TotalMilliseconds);
            json.WriteNumber("offlineAfterMs", (long)OfflineAfter.TotalMilliseconds);
            json.WriteStartArray("filters");
            foreach (FixFilter filter in FixFilterNames.All.Where(Ingest.IsEnabled))
            {
                json.WriteStringValue(FixFilterNames.Name(filter));
            }

            json.WriteEndArray();
            json.WriteNumber("maxFutureSkewMs", (long)Ingest.MaxFutureSkew.TotalMilliseconds);
            json.WriteNumber("retentionMs", (long)Ingest.Retention.TotalMilliseconds);
            json.WriteNumber("maxHdopX100", Ingest.MaxHdopX100);
            json.WriteNumber("maxSpeedKmh", Ingest.MaxSpeedKmh);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
