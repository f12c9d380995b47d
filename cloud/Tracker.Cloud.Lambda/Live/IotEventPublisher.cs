using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// The live event feed on AWS: after a Derive step commits (ingest, status and tick), each event it stored goes as the
/// API's JSON, and each it withdrew as <c>{"carId","id","withdrawn":true}</c>, to <c>fleet/{car}/events</c> (QoS 1, not
/// retained) through the IoT data plane's HTTPS Publish (<c>POST /topics/{topic}?qos=1</c>, signed by
/// <see cref="IotDataPlaneSigner"/>). The same messages as the local host's broker
/// (<c>EmbeddedBroker.EventCommittedAsync</c>/<c>EventWithdrawnAsync</c>). Operators receive them; renters' policy names
/// only fixes and status. A failed publish never fails the step: the event is stored and browsers list it on
/// reconnect, so it is logged and counted (metric <see cref="MetricFailed"/>), not retried. IAM: <c>iot:Publish</c> on
/// <c>topic/fleet/*/events</c>.
/// </summary>
public sealed class IotEventPublisher
{
    /// <summary>The EMF metric counting publishes that failed.</summary>
    public const string MetricFailed = "EventPublishesFailed";

    private readonly HttpClient _http;
    private readonly IotDataPlaneSigner _signer;
    private readonly TextWriter _log;
    private readonly string? _metricNamespace;

    /// <summary>Creates the publisher.</summary>
    /// <param name="http">HTTP (its timeout bounds a publish).</param>
    /// <param name="signer">Signs for the account's IoT data endpoint.</param>
    /// <param name="log">Where failures are logged (Lambda's stdout).</param>
    /// <param name="metricNamespace">The CloudWatch namespace of the failure metric, or null for a plain log line.</param>
    public IotEventPublisher(HttpClient http, IotDataPlaneSigner signer, TextWriter log, string? metricNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(log);
        _http = http;
        _signer = signer;
        _log = log;
        _metricNamespace = metricNamespace;
    }

    /// <summary>The HTTPS path of a topic: <c>/topics/</c> and the topic URI-encoded (its '/' as <c>%2F</c>, as the AWS SDKs send it).</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The path.</returns>
    public static string TopicPath(string topic) => "/topics/" + Uri.EscapeDataString(topic);

    /// <summary>The JSON of a withdrawal.</summary>
    /// <param name="key">The withdrawn event's key.</param>
    /// <returns><c>{"carId","id","withdrawn":true}</c>.</returns>
    public static byte[] WithdrawalJson(EventKey key)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("carId", key.CarId);
            json.WriteString("id", key.Id);
            json.WriteBoolean("withdrawn", true);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Publishes what a committed step stored and withdrew. Never throws, but for <paramref name="cancellationToken"/>.</summary>
    /// <param name="step">The committed step.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>How many publishes failed.</returns>
    public Task<int> PublishAsync(DeriveStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        return PublishAsync(step.Events, step.Withdrawn, cancellationToken);
    }

    /// <summary>Publishes events stored and withdrawn. Never throws, but for <paramref name="cancellationToken"/>.</summary>
    /// <param name="stored">The events stored, each as the API's JSON.</param>
    /// <param name="withdrawn">The events withdrawn.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>How many publishes failed.</returns>
    public async Task<int> PublishAsync(IReadOnlyList<FleetEvent> stored, IReadOnlyList<EventKey> withdrawn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(withdrawn);
        int failed = 0;
        foreach (FleetEvent e in stored)
        {
            byte[] body = Encoding.UTF8.GetBytes(EventJson.ToJson(new StoredEvent(e, false, null, null)));
            failed += await PublishOneAsync(e.CarId, e.Key.Id, body, cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }

        foreach (EventKey key in withdrawn)
        {
            failed += await PublishOneAsync(key.CarId, key.Id, WithdrawalJson(key), cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }

        return failed;
    }

    private async Task<bool> PublishOneAsync(string car, string id, byte[] body, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            using HttpRequestMessage request = _signer.Create(HttpMethod.Post, TopicPath(LiveTopics.Events(car)), "qos=1", body);
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            error = new IotDataPlaneException(response.StatusCode, text.Length > 300 ? text[..300] : text, "Publish").Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A timeout, DNS or TLS failure, or expired credentials: the event is stored either way.
            error = e.GetType().Name + ": " + e.Message;
        }

        await _log.WriteLineAsync(FailureLine(car, id, error)).ConfigureAwait(false);
        return false;
    }

    private string FailureLine(string car, string id, string error)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (_metricNamespace is not null)
            {
                json.WriteStartObject("_aws");
                json.WriteNumber("Timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                json.WriteStartArray("CloudWatchMetrics");
                json.WriteStartObject();
                json.WriteString("Namespace", _metricNamespace);
                json.WriteStartArray("Dimensions");
                json.WriteStartArray();
                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteStartArray("Metrics");
                json.WriteStartObject();
                json.WriteString("Name", MetricFailed);
                json.WriteString("Unit", "Count");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteNumber(MetricFailed, 1);
            }

            json.WriteStartObject("eventPublishFailed");
            json.WriteString("carId", car);
            json.WriteString("id", id);
            json.WriteString("error", error);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
