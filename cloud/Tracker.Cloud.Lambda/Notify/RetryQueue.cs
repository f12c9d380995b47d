using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Lambda.Notify;

/// <summary>
/// Wakes the notifier when an outbox entry's retry is due, so retries follow the outbox's backoff (2 s, 4 s, 8 s ... 10 min)
/// instead of waiting for the next run of the one-minute sweep. Best effort: an entry the queue loses is still pending in
/// the outbox, and the sweep sends it at most a minute late.
/// </summary>
public interface IRetryQueue
{
    /// <summary>Asks to be woken when <paramref name="entry"/> is due (<see cref="OutboxEntry.NextAttemptMs"/>).</summary>
    /// <param name="entry">The entry as recorded after a failed attempt.</param>
    /// <param name="nowMs">Now.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>Null, or why the wake-up could not be scheduled.</returns>
    Task<string?> ScheduleAsync(OutboxEntry entry, long nowMs, CancellationToken cancellationToken);
}

/// <summary>
/// What a wake-up message says: the entry, and the attempts it had when the wake-up was asked for. A message whose
/// entry has moved on (sent by the sweep meanwhile, delivered, failed) is stale and dropped, so each attempt is woken once.
/// </summary>
/// <param name="DeliveryId">The entry.</param>
/// <param name="Attempts">Its attempts when scheduled.</param>
public sealed record RetryWake(string DeliveryId, int Attempts)
{
    /// <summary>The longest delay SQS accepts on a message (SQS developer guide, "delay queues"): 15 minutes.</summary>
    public const int MaxDelaySeconds = 900;

    /// <summary>The message body.</summary>
    /// <returns>JSON.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("deliveryId", DeliveryId);
            json.WriteNumber("attempts", Attempts);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a message body strictly.</summary>
    /// <param name="body">The body, or null.</param>
    /// <param name="wake">The wake-up.</param>
    /// <returns>False for anything but an object with a 32-hex-digit <c>deliveryId</c> and a <c>attempts</c> from 1 to 1,000.</returns>
    public static bool TryParse(string? body, out RetryWake? wake)
    {
        wake = null;
        if (string.IsNullOrEmpty(body) || body.Length > 1024)
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("deliveryId", out JsonElement id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("attempts", out JsonElement attempts) || attempts.ValueKind != JsonValueKind.Number
                || !attempts.TryGetInt32(out int n) || n is < 1 or > 1000)
            {
                return false;
            }

            string text = id.GetString()!;
            if (text.Length != 32 || !text.All(char.IsAsciiHexDigitLower))
            {
                return false;
            }

            wake = new RetryWake(text, n);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The delay of a message for a retry due at <paramref name="dueMs"/>: whole seconds, rounded up (never early), at most <see cref="MaxDelaySeconds"/>.</summary>
    /// <param name="dueMs">When the retry is due.</param>
    /// <param name="nowMs">Now.</param>
    /// <returns>0 to 900 seconds.</returns>
    public static int DelaySeconds(long dueMs, long nowMs)
    {
        long ms = dueMs - nowMs;
        return ms <= 0 ? 0 : (int)Math.Min(MaxDelaySeconds, (ms + 999) / 1000);
    }
}

/// <summary>
/// <see cref="IRetryQueue"/> on an SQS queue with per-message delay (the notifier's own event source): <c>SendMessage</c>
/// in the AWS JSON 1.0 protocol, built here and signed with SigV4 (<see cref="SigV4"/>, signing name
/// <see cref="SigningService"/>): AWSSDK.SQS would add a second SDK to the AOT bootstrap for one call. IAM:
/// <c>sqs:SendMessage</c> on that queue only.
/// </summary>
public sealed class SqsRetryQueue : IRetryQueue
{
    /// <summary>SQS's SigV4 signing name.</summary>
    public const string SigningService = "sqs";

    /// <summary>The JSON protocol's target of SendMessage.</summary>
    public const string SendMessageTarget = "AmazonSQS.SendMessage";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly Uri _queueUrl;
    private readonly Func<ImmutableCredentials> _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates the queue client.</summary>
    /// <param name="http">HTTP (its timeout bounds a call).</param>
    /// <param name="endpoint">SQS's endpoint, <c>https://sqs.{region}.amazonaws.com</c>.</param>
    /// <param name="region">The region.</param>
    /// <param name="queueUrl">The queue's URL.</param>
    /// <param name="credentials">The function's credentials, read for each call.</param>
    /// <param name="clock">"Now", for the signature.</param>
    public SqsRetryQueue(HttpClient http, Uri endpoint, string region, Uri queueUrl, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        if (!endpoint.IsAbsoluteUri || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("the SQS endpoint must be a bare scheme://host[:port], not '" + endpoint + "'", nameof(endpoint));
        }

        _http = http;
        _endpoint = endpoint;
        _region = region;
        _queueUrl = queueUrl;
        _credentials = credentials;
        _clock = clock;
    }

    /// <summary>The SendMessage request body.</summary>
    /// <param name="queueUrl">The queue.</param>
    /// <param name="wake">The message.</param>
    /// <param name="delaySeconds">Its delay.</param>
    /// <returns>JSON.</returns>
    public static string RequestBody(Uri queueUrl, RetryWake wake, int delaySeconds)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentNullException.ThrowIfNull(wake);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("QueueUrl", queueUrl.AbsoluteUri);
            json.WriteString("MessageBody", wake.ToJson());
            json.WriteNumber("DelaySeconds", delaySeconds);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc/>
    public async Task<string?> ScheduleAsync(OutboxEntry entry, long nowMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        int delay = RetryWake.DelaySeconds(entry.NextAttemptMs, nowMs);
        byte[] body = Encoding.UTF8.GetBytes(RequestBody(_queueUrl, new RetryWake(entry.DeliveryId, entry.Attempts), delay));
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", SendMessageTarget);
        SigV4.Sign(request, "POST", "/", string.Empty, body, _endpoint, _credentials(), _region, SigningService, _clock.GetUtcNow().UtcDateTime);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return "SQS answered HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + ": " + (text.Length > 300 ? text[..300] : text);
        }
        catch (HttpRequestException e)
        {
            return "could not reach SQS: " + e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "SQS did not answer in time";
        }
    }
}
