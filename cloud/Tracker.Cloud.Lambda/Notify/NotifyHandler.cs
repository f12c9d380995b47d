using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Notify;

/// <summary>
/// The notifier on AWS (Notify README, "Nothing lost, nothing twice"), two triggers, one function:
/// <list type="bullet">
/// <item>the events table's DynamoDB stream (new images): each event that stands (not pending, not withdrawn) gets one
/// outbox entry per matching subscription and channel, added with a conditional put on its delivery id, and its first
/// attempt is made at once. A retried batch, or a later revision of the same event (an overspeed episode's end, an
/// acknowledgement), finds the entries there and sends nothing again.</item>
/// <item>the retry queue (<see cref="IRetryQueue"/>, an SQS queue with per-message delay): each failed attempt that will be
/// retried asks to be woken when its retry is due (exponential backoff from <see cref="NotifyOptions"/>, 2 s doubling to
/// 10 min), and the wake-up (<see cref="RetryWake"/>) attempts it then. A wake-up whose entry has moved on is dropped; one
/// that comes early is put back for the rest.</item>
/// <item>an EventBridge schedule (every minute), the sweep: the entries whose retry is overdue (a wake-up lost, or no queue
/// configured) are attempted again. After the last attempt an entry is failed and kept with its error.</item>
/// </list>
/// Every attempt is claimed first (<see cref="DynamoDbNotifyStore.TryClaimAsync"/>), so the stream and the schedule
/// never send the same attempt twice; a crash between a send and its record resends once, with the same delivery id.
/// A storage failure names the record to retry from (partial batch response); a send that fails is not a stream
/// failure (it is the outbox's to retry). Each invocation writes one log line carrying CloudWatch embedded metrics
/// (<see cref="MetricDelivered"/>, <see cref="MetricFailed"/>, <see cref="MetricAttemptsFailed"/>), which the alarms use.
/// </summary>
public sealed class NotifyHandler
{
    /// <summary>Notifications delivered.</summary>
    public const string MetricDelivered = "NotificationsDelivered";

    /// <summary>Notifications given up after their last attempt (kept, failed).</summary>
    public const string MetricFailed = "NotificationsFailed";

    /// <summary>Attempts that failed and will be retried.</summary>
    public const string MetricAttemptsFailed = "NotificationAttemptsFailed";

    /// <summary>Retry wake-ups that could not be queued (the sweep sends those retries up to a minute late).</summary>
    public const string MetricWakesLost = "NotificationRetryWakesLost";

    /// <summary>How early a wake-up may come and still attempt (SQS delays are whole seconds, rounded up; clocks differ a little).</summary>
    public static readonly TimeSpan WakeTolerance = TimeSpan.FromSeconds(1);

    private const string EventName = "notify event";
    private const int DueBatch = 100;

    private readonly DynamoDbNotifyStore _store;
    private readonly IReadOnlyDictionary<Channel, ISender> _senders;
    private readonly NotifyOptions _options;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;
    private readonly string? _metricNamespace;
    private readonly IRetryQueue? _retryQueue;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">Subscriptions and the outbox.</param>
    /// <param name="senders">A sender per channel configured (an entry of a channel without one fails its attempts with the reason).</param>
    /// <param name="options">Retries.</param>
    /// <param name="clock">"Now".</param>
    /// <param name="log">Where the per-invocation line goes.</param>
    /// <param name="metricNamespace">The CloudWatch namespace of the embedded metrics, or null for none.</param>
    /// <param name="retryQueue">Wakes the notifier when a retry is due, or null (retries wait for the sweep).</param>
    public NotifyHandler(DynamoDbNotifyStore store, IReadOnlyDictionary<Channel, ISender> senders, NotifyOptions options, TimeProvider clock, TextWriter log, string? metricNamespace, IRetryQueue? retryQueue = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        _store = store;
        _senders = senders;
        _options = options;
        _clock = clock;
        _log = log;
        _metricNamespace = metricNamespace;
        _retryQueue = retryQueue;
    }

    /// <summary>Reads a stored event from a stream record's new image.</summary>
    /// <param name="record">The record.</param>
    /// <param name="stored">The event, when the record carries one.</param>
    /// <returns>False for a removal, an image without an event, or one that does not parse.</returns>
    public static bool TryReadEvent(RentalStreamRecord record, out StoredEvent? stored)
    {
        ArgumentNullException.ThrowIfNull(record);
        stored = null;
        if (record.EventName is not ("INSERT" or "MODIFY") || record.Change?.NewImage is not { } image
            || !image.TryGetValue("body", out StreamAttributeValue? body) || body.S is not { } json)
        {
            return false;
        }

        try
        {
            FleetEvent e = DeriveJson.ReadEvent(json);
            bool withdrawn = image.TryGetValue("withdrawn", out StreamAttributeValue? w) && w.Bool == true;
            stored = new StoredEvent(e, withdrawn, null, null);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The entries an event makes: one per matching subscription and channel.</summary>
    /// <param name="stored">The event.</param>
    /// <param name="subscriptions">Every subscription.</param>
    /// <param name="nowMs">Now.</param>
    /// <returns>The entries, due now.</returns>
    public static IReadOnlyList<OutboxEntry> EntriesFor(StoredEvent stored, IReadOnlyList<Subscription> subscriptions, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(subscriptions);
        FleetEvent e = stored.Event;
        string payload = EventJson.ToJson(stored);
        string summary = EventTypeNames.Name(e.Type) + " " + e.CarId + (e.Detail is { } d ? " (" + d + ")" : string.Empty)
            + " at " + DateTimeOffset.FromUnixTimeMilliseconds(e.EpisodeStartMs).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            + (e.Late ? ", late" : string.Empty);
        var entries = new List<OutboxEntry>();
        foreach (Subscription s in subscriptions.Where(s => s.Matches(e)))
        {
            foreach ((Channel channel, string? target) in new[] { (Channel.Webhook, s.WebhookUrl?.AbsoluteUri), (Channel.Email, s.Email) })
            {
                if (target is not null)
                {
                    entries.Add(new OutboxEntry
                    {
                        CarId = e.CarId, EventId = e.Key.Id, SubscriptionId = s.Id, Channel = channel, Target = target,
                        Payload = payload, Summary = summary, CreatedMs = nowMs, NextAttemptMs = nowMs,
                    });
                }
            }
        }

        return entries;
    }

    /// <summary>Handles one invocation: a stream batch or a batch of retry wake-ups (<c>Records</c>, from SQS when their
    /// <c>eventSource</c> is <c>aws:sqs</c>), or a sweep (anything else).</summary>
    /// <param name="input">The event.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The partial batch response (stream, queue) or the <see cref="NotifySummary"/> (sweep).</returns>
    /// <exception cref="InvalidEventException">Not a JSON object.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        NotifyEvent evt = await EventReader.ReadAsync(input, NotifyJsonContext.Default.NotifyEvent, EventName, cancellationToken).ConfigureAwait(false);
        var counts = new NotifySummary();
        StreamBatchResponse? response = null;
        if (evt.Records is { Count: > 0 } wakes && wakes.All(r => r.EventSource == NotifyRecord.SqsSource))
        {
            response = await HandleWakesAsync(wakes, counts, cancellationToken).ConfigureAwait(false);
        }
        else if (evt.Records is { } records)
        {
            response = await HandleRecordsAsync([.. records.Select(r => r.AsStreamRecord())], counts, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RetryDueAsync(counts, cancellationToken).ConfigureAwait(false);
        }

        await _log.WriteLineAsync(LogLine(counts)).ConfigureAwait(false);
        var output = new MemoryStream();
        if (response is not null)
        {
            await JsonSerializer.SerializeAsync(output, response, LiveDisconnectJsonContext.Default.StreamBatchResponse, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await JsonSerializer.SerializeAsync(output, counts, NotifyJsonContext.Default.NotifySummary, cancellationToken).ConfigureAwait(false);
        }

        output.Position = 0;
        return output;
    }

    /// <summary>Handles a stream batch.</summary>
    /// <param name="records">The records, oldest first.</param>
    /// <param name="counts">Counted into.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>Empty, or the record to retry from.</returns>
    public async Task<StreamBatchResponse> HandleRecordsAsync(IReadOnlyList<RentalStreamRecord> records, NotifySummary counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(counts);
        var response = new StreamBatchResponse();
        IReadOnlyList<Subscription>? subscriptions = null;
        counts.Records = records.Count;
        foreach (RentalStreamRecord record in records)
        {
            if (!TryReadEvent(record, out StoredEvent? stored) || stored!.Withdrawn || stored.Event.Pending)
            {
                counts.Ignored++;
                continue;
            }

            try
            {
                subscriptions ??= await _store.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
                long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (OutboxEntry entry in EntriesFor(stored, subscriptions, now))
                {
                    if (await _store.TryAddAsync(entry, cancellationToken).ConfigureAwait(false))
                    {
                        counts.Added++;
                        await AttemptAsync(entry, counts, cancellationToken).ConfigureAwait(false);
                    }
                    else if (await _store.GetAsync(entry.DeliveryId, cancellationToken).ConfigureAwait(false) is { State: OutboxState.Pending, Attempts: 0 } waiting)
                    {
                        // Added by an invocation that died before its first attempt.
                        await AttemptAsync(waiting, counts, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        counts.AlreadyThere++;
                    }
                }
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
            {
                counts.Error = e.GetType().Name + ": " + e.Message;
                response.BatchItemFailures.Add(new StreamBatchItemFailure(record.Change?.SequenceNumber ?? record.EventId ?? string.Empty));
                break;
            }
        }

        return response;
    }

    /// <summary>Handles a batch of retry wake-ups: each attempts its entry if it is still waiting for that attempt and due.</summary>
    /// <param name="records">The queue's messages.</param>
    /// <param name="counts">Counted into.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The messages to receive again (a storage failure), by message id.</returns>
    public async Task<StreamBatchResponse> HandleWakesAsync(IReadOnlyList<NotifyRecord> records, NotifySummary counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(counts);
        var response = new StreamBatchResponse();
        counts.Records = records.Count;
        foreach (NotifyRecord record in records)
        {
            if (!RetryWake.TryParse(record.Body, out RetryWake? wake))
            {
                // Never going to parse: receiving it again would not help.
                counts.Ignored++;
                continue;
            }

            try
            {
                OutboxEntry? entry = await _store.GetAsync(wake!.DeliveryId, cancellationToken).ConfigureAwait(false);
                if (entry is not { State: OutboxState.Pending } || entry.Attempts != wake.Attempts)
                {
                    counts.Stale++;
                    continue;
                }

                long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                if (entry.NextAttemptMs > now + (long)WakeTolerance.TotalMilliseconds)
                {
                    counts.Early++;
                    await WakeLaterAsync(entry, counts, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                counts.Woken++;
                await AttemptAsync(entry, counts, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
            {
                counts.Error = e.GetType().Name + ": " + e.Message;
                response.BatchItemFailures.Add(new StreamBatchItemFailure(record.MessageId ?? string.Empty));
            }
        }

        return response;
    }

    /// <summary>Attempts the entries whose retry is due.</summary>
    /// <param name="counts">Counted into.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The task.</returns>
    public async Task RetryDueAsync(NotifySummary counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (OutboxEntry entry in await _store.DueAsync(_clock.GetUtcNow().ToUnixTimeMilliseconds(), DueBatch, cancellationToken).ConfigureAwait(false))
        {
            counts.Due++;
            await AttemptAsync(entry, counts, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AttemptAsync(OutboxEntry entry, NotifySummary counts, CancellationToken cancellationToken)
    {
        if (!await _store.TryClaimAsync(entry, _clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false))
        {
            counts.ClaimedElsewhere++;
            return;
        }

        string? error = _senders.TryGetValue(entry.Channel, out ISender? sender)
            ? await sender.SendAsync(entry, cancellationToken).ConfigureAwait(false)
            : "no " + entry.Channel.ToString().ToLowerInvariant() + " channel is configured on this deployment";
        long at = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        int attempts = entry.Attempts + 1;
        OutboxEntry outcome;
        if (error is null)
        {
            outcome = entry with { State = OutboxState.Delivered, Attempts = attempts, DeliveredMs = at, LastError = null };
            counts.Delivered++;
        }
        else
        {
            bool last = attempts >= _options.MaxAttempts;
            outcome = entry with
            {
                Attempts = attempts,
                LastError = error.Length > 500 ? error[..500] : error,
                State = last ? OutboxState.Failed : OutboxState.Pending,
                NextAttemptMs = at + (long)_options.Backoff(attempts).TotalMilliseconds,
            };
            if (last)
            {
                counts.Failed++;
            }
            else
            {
                counts.AttemptsFailed++;
            }

            counts.LastSendError ??= error;
        }

        await _store.RecordAsync(outcome, cancellationToken).ConfigureAwait(false);
        if (outcome.State == OutboxState.Pending)
        {
            await WakeLaterAsync(outcome, counts, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WakeLaterAsync(OutboxEntry entry, NotifySummary counts, CancellationToken cancellationToken)
    {
        if (_retryQueue is null)
        {
            return;
        }

        string? error = await _retryQueue.ScheduleAsync(entry, _clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            counts.WakesScheduled++;
        }
        else
        {
            counts.WakesLost++;
            counts.LastWakeError ??= error;
        }
    }

    private string LogLine(NotifySummary counts)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (_metricNamespace is not null)
            {
                // CloudWatch embedded metric format: the log line is the metric (no PutMetricData call, no extra permission).
                json.WriteStartObject("_aws");
                json.WriteNumber("Timestamp", _clock.GetUtcNow().ToUnixTimeMilliseconds());
                json.WriteStartArray("CloudWatchMetrics");
                json.WriteStartObject();
                json.WriteString("Namespace", _metricNamespace);
                json.WriteStartArray("Dimensions");
                json.WriteStartArray();
                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteStartArray("Metrics");
                foreach (string name in new[] { MetricDelivered, MetricFailed, MetricAttemptsFailed, MetricWakesLost })
                {
                    json.WriteStartObject();
                    json.WriteString("Name", name);
                    json.WriteString("Unit", "Count");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteNumber(MetricDelivered, counts.Delivered);
                json.WriteNumber(MetricFailed, counts.Failed);
                json.WriteNumber(MetricAttemptsFailed, counts.AttemptsFailed);
                json.WriteNumber(MetricWakesLost, counts.WakesLost);
            }

            json.WritePropertyName("notify");
            JsonSerializer.Serialize(json, counts, NotifyJsonContext.Default.NotifySummary);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>What one notifier invocation did.</summary>
public sealed class NotifySummary
{
    /// <summary>Stream records in the batch.</summary>
    public int Records { get; set; }

    /// <summary>Records that carry no event that stands (pending, withdrawn, removed, unreadable).</summary>
    public int Ignored { get; set; }

    /// <summary>Outbox entries added.</summary>
    public int Added { get; set; }

    /// <summary>Entries that were there already (a retried batch, a revised event).</summary>
    public int AlreadyThere { get; set; }

    /// <summary>Entries due for a retry (schedule).</summary>
    public int Due { get; set; }

    /// <summary>Attempts another invocation had claimed.</summary>
    public int ClaimedElsewhere { get; set; }

    /// <summary>Delivered.</summary>
    public int Delivered { get; set; }

    /// <summary>Attempts failed, to be retried.</summary>
    public int AttemptsFailed { get; set; }

    /// <summary>Given up (kept, failed).</summary>
    public int Failed { get; set; }

    /// <summary>Retry wake-ups that found their entry waiting and due.</summary>
    public int Woken { get; set; }

    /// <summary>Wake-ups whose entry had moved on (attempted by the sweep, delivered, failed, gone): dropped.</summary>
    public int Stale { get; set; }

    /// <summary>Wake-ups that came before their entry was due: put back for the rest.</summary>
    public int Early { get; set; }

    /// <summary>Retry wake-ups queued.</summary>
    public int WakesScheduled { get; set; }

    /// <summary>Retry wake-ups that could not be queued (the sweep sends those).</summary>
    public int WakesLost { get; set; }

    /// <summary>The first error of queueing a wake-up, or null.</summary>
    public string? LastWakeError { get; set; }

    /// <summary>The first send error, or null.</summary>
    public string? LastSendError { get; set; }

    /// <summary>The storage error that stopped the batch, or null.</summary>
    public string? Error { get; set; }
}

/// <summary>The notifier's event: a DynamoDB stream batch or an SQS batch of wake-ups (<c>Records</c>), or EventBridge's scheduled event (no <c>Records</c>).</summary>
public sealed class NotifyEvent
{
    /// <summary>The records, or null for the schedule.</summary>
    [JsonPropertyName("Records")]
    public List<NotifyRecord>? Records { get; set; }
}

/// <summary>A record of either source: a DynamoDB stream record (<c>eventID</c>, <c>eventName</c>, <c>dynamodb</c>) or an SQS message (<c>messageId</c>, <c>body</c>).</summary>
public sealed class NotifyRecord
{
    /// <summary>The event source an SQS message carries.</summary>
    public const string SqsSource = "aws:sqs";

    /// <summary><c>aws:dynamodb</c> or <c>aws:sqs</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>A stream record's id.</summary>
    [JsonPropertyName("eventID")]
    public string? EventId { get; set; }

    /// <summary>A stream record's <c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c>.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>A stream record's change.</summary>
    [JsonPropertyName("dynamodb")]
    public RentalStreamChange? Change { get; set; }

    /// <summary>An SQS message's id: the id a partial batch failure names.</summary>
    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    /// <summary>An SQS message's body.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary>The stream record.</summary>
    /// <returns>The stream fields.</returns>
    public RentalStreamRecord AsStreamRecord() => new() { EventId = EventId, EventName = EventName, Change = Change };
}

/// <summary>Source-generated JSON of the notifier.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NotifyEvent))]
[JsonSerializable(typeof(NotifySummary))]
public sealed partial class NotifyJsonContext : JsonSerializerContext;
