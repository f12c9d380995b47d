using System.Text.Json;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Ingest;

/// <summary>
/// The ingest function: an <see cref="IotFixesEvent"/> from the topic rule in, an <see cref="IngestSummary"/>
/// out. Thin: decode the base64 payload, hand the message to <see cref="IngestService"/> (which checks the
/// topic against the client id, decodes, filters, enriches and stores), and write one structured log line.
/// </summary>
/// <remarks>
/// Failure split. A message that can never succeed (bad topic, foreign car, not base64, a truncated or
/// garbled batch) is rejected with a reason, counted in the log line, and the function returns normally:
/// retrying would not help. A storage failure propagates as an exception, so the asynchronous invocation
/// is retried by Lambda and then goes to the function's dead-letter queue; the append is idempotent on (car, ts),
/// so a retry never stores a fix twice. Nothing is caught and dropped.
/// </remarks>
public sealed class IngestHandler
{
    private readonly IngestService _ingest;
    private readonly Tracker.Cloud.Derive.DeriveAfterIngest? _derive;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;
    private readonly StatusIngest? _statuses;

    /// <summary>Creates the handler over the core's ingest pipeline.</summary>
    /// <param name="ingest">The pipeline.</param>
    /// <param name="clock">Gives the receive time when the event has no <c>receivedAt</c>.</param>
    /// <param name="log">Where the per-batch log line goes (Lambda sends standard output to CloudWatch Logs).</param>
    /// <param name="derive">The Derive stage after the store (DESIGN.md 8b; issue 16: evaluation in the ingest path), or null.</param>
    /// <param name="statuses">The status messages' path (stored, then derived), or null when this function has no Derive stage.</param>
    public IngestHandler(IngestService ingest, TimeProvider clock, TextWriter log, Tracker.Cloud.Derive.DeriveAfterIngest? derive = null, StatusIngest? statuses = null)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        _ingest = ingest;
        _derive = derive;
        _statuses = statuses;
        _clock = clock;
        _log = log;
    }

    /// <summary>The Lambda entry point shape (Stream in, Stream out); see <see cref="HandleAsync(Stream, CancellationToken)"/>.</summary>
    /// <param name="input">The event JSON.</param>
    /// <returns>The summary JSON.</returns>
    public Task<Stream> FunctionHandler(Stream input) => HandleAsync(input, CancellationToken.None);

    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The event JSON.</param>
    /// <param name="cancellationToken">Cancels storage calls.</param>
    /// <returns>The <see cref="IngestSummary"/> as JSON.</returns>
    /// <exception cref="InvalidEventException">The event is not an <see cref="IotFixesEvent"/>: not JSON, or no topic, client id or payload.</exception>
    /// <exception cref="Exception">A storage failure, propagated so that the message is retried.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        IotFixesEvent evt = await EventReader.ReadAsync(input, LambdaJsonContext.Relaxed.IotFixesEvent, "IoT rule event", cancellationToken).ConfigureAwait(false);
        IngestSummary summary = await HandleAsync(evt, cancellationToken).ConfigureAwait(false);
        return await ResponseWriter.ToStreamAsync(summary, LambdaJsonContext.Relaxed.IngestSummary, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles one parsed event.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="cancellationToken">Cancels storage calls.</param>
    /// <returns>What was stored and rejected.</returns>
    /// <exception cref="InvalidEventException">A required field is missing.</exception>
    public async Task<IngestSummary> HandleAsync(IotFixesEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        string topic = Required(evt.Topic, "topic");
        string clientId = Required(evt.ClientId, "clientId");
        string payload = evt.Payload ?? throw new InvalidEventException("IoT rule event: 'payload' is missing (the rule SQL must select encode(*, 'base64') AS payload)");
        long receivedMs = evt.ReceivedAt ?? _clock.GetUtcNow().ToUnixTimeMilliseconds();

        IngestSummary summary;
        if (!TryDecodeBase64(payload, out byte[] bytes))
        {
            summary = new IngestSummary(IngestSummary.RejectedOutcome, null, topic, IngestSummary.NotBase64, "payload is not base64 (RFC 4648)", 0, 0, Empty, false);
        }
        else if (StatusIngest.Owns(topic))
        {
            summary = _statuses is null
                ? new IngestSummary(IngestSummary.RejectedOutcome, null, topic, "statusesOff", "this function has no Derive stage's tables, so statuses are not stored", 0, 0, Empty, false)
                : await _statuses.HandleAsync(topic, clientId, bytes, receivedMs, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            IngestResult result = await _ingest.IngestAsync(new IngestRequest(topic, clientId, bytes, receivedMs), cancellationToken).ConfigureAwait(false);
            summary = ToSummary(topic, result);
            if (_derive is not null && result.CarId is { } car && result.Rejection == BatchRejection.None && result.Decoded > 0)
            {
                // A failure here fails the invocation, so the message is retried (ingest is idempotent, Derive reads what is stored).
                await _derive.FixesStoredAsync(car, bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        await _log.WriteLineAsync(JsonSerializer.Serialize(summary, LambdaJsonContext.Relaxed.IngestSummary)).ConfigureAwait(false);
        return summary;
    }

    private static readonly IReadOnlyDictionary<string, int> Empty = new Dictionary<string, int>(StringComparer.Ordinal);

    private static IngestSummary ToSummary(string topic, IngestResult result)
    {
        bool rejected = result.Rejection != BatchRejection.None;
        Dictionary<string, int> counts = result.RejectedByName.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new IngestSummary(
            rejected ? IngestSummary.RejectedOutcome : IngestSummary.Stored,
            result.CarId,
            topic,
            rejected ? JsonNamingPolicy.CamelCase.ConvertName(result.Rejection.ToString()) : null,
            string.IsNullOrEmpty(result.Detail) ? null : result.Detail,
            result.Decoded,
            result.Accepted,
            counts,
            result.LatestAdvanced);
    }

    private static string Required(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidEventException("IoT rule event: '" + name + "' is missing or empty (see the rule SQL in the Lambda README)");
        }

        return value;
    }

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length / 4 * 3) + 3];
        if (Convert.TryFromBase64String(text, bytes, out int written))
        {
            Array.Resize(ref bytes, written);
            return true;
        }

        bytes = [];
        return false;
    }
}
