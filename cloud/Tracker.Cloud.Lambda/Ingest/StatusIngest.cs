using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Lambda.Ingest;

/// <summary>
/// The status messages on AWS (issue 16): <c>tracker/{car}/status</c>, handed to the ingest function by the status
/// Derive rule, is decoded, stored in the statuses table under (car, ts) and run through the Derive stage (ignition on
/// and off, main power lost and restored, low battery), as the local host's <c>DeriveGate</c> does. A message that is
/// not a status (the text <c>offline</c> will, garbage, a truncated report) is refused with its reason and stores
/// nothing; a re-delivered status is stored once and derives to the same events.
/// </summary>
/// <param name="statuses">Where statuses are kept.</param>
/// <param name="derive">The Derive stage.</param>
public sealed class StatusIngest(IStatusStore statuses, DeriveService derive)
{
    /// <summary>The reason for a topic that is not <c>tracker/{car}/status</c> with a valid thing name.</summary>
    public const string BadTopic = "badTopic";

    /// <summary>The reason for a topic whose car is not the connection's client id.</summary>
    public const string ForeignCar = "foreignCar";

    /// <summary>The reason for a payload that is not a status report (its decoder's error is the detail).</summary>
    public const string NotStatus = "notStatus";

    private readonly IStatusStore _statuses = statuses ?? throw new ArgumentNullException(nameof(statuses));
    private readonly DeriveService _derive = derive ?? throw new ArgumentNullException(nameof(derive));

    /// <summary>The car of a status topic (<c>tracker/{car}/status</c>), or null when the topic is not one.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The car, or null.</returns>
    public static string? CarOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        string[] levels = topic.Split('/');
        return levels.Length == 3 && levels[0] == "tracker" && levels[2] == "status" && UplinkTopics.IsValidThingName(levels[1]) ? levels[1] : null;
    }

    /// <summary>True when the topic ends in <c>/status</c>: a status message, valid or not, which the fix path must not take.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>True for the status path.</returns>
    public static bool Owns(string topic) => topic is not null && topic.EndsWith("/status", StringComparison.Ordinal);

    /// <summary>Stores a status message and derives from it.</summary>
    /// <param name="topic">The topic it was published on.</param>
    /// <param name="clientId">The publishing connection's client id.</param>
    /// <param name="payload">The message.</param>
    /// <param name="receivedMs">When IoT Core received it.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What happened, as the ingest log line says it.</returns>
    public async Task<IngestSummary> HandleAsync(string topic, string clientId, byte[] payload, long receivedMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string? car = CarOf(topic);
        if (car is null)
        {
            return Refused(null, topic, BadTopic, "expected tracker/{car}/status with a valid thing name");
        }

        if (!string.Equals(car, clientId, StringComparison.Ordinal))
        {
            return Refused(car, topic, ForeignCar, "the topic's car is not the connection's client id");
        }

        if (!StatusReading.TryRead(car, payload, receivedMs, out StoredStatus? status, out StatusError error))
        {
            return Refused(car, topic, NotStatus, error.ToString());
        }

        bool fresh = await _statuses.AppendStatusAsync(status!, cancellationToken).ConfigureAwait(false);

        // Derived even when the status was stored before: the invocation that stored it may have died before its step, and
        // the step is repeatable (events are keyed, a replay writes nothing new). A failure fails the invocation, so it is retried.
        await _derive.DeriveAsync(car, [Observation.Of(status!)], cancellationToken).ConfigureAwait(false);
        return new IngestSummary(IngestSummary.Stored, car, topic, null, fresh ? null : "status already stored", 1, fresh ? 1 : 0, Empty, false);
    }

    private static readonly IReadOnlyDictionary<string, int> Empty = new Dictionary<string, int>(StringComparer.Ordinal);

    private static IngestSummary Refused(string? car, string topic, string reason, string detail) =>
        new(IngestSummary.RejectedOutcome, car, topic, reason, detail, 0, 0, Empty, false);
}
