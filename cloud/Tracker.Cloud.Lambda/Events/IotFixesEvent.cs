using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>
/// The event our AWS IoT topic rule sends to the ingest function. A Lambda rule action cannot carry a
/// binary payload as is, so the rule base64-encodes it into JSON (AWS IoT developer guide, "Working
/// with binary payloads"). The rule SQL (version 2016-03-23) is:
/// <code>
/// SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt FROM 'tracker/+/fixes'
/// </code>
/// The same rule serves Basic Ingest publications to <c>$aws/rules/{rule}/tracker/{car}/fixes</c>; for
/// those, <c>topic()</c> returns the topic without the <c>$aws/rules/{rule}</c> prefix (AWS IoT developer
/// guide, "Reducing messaging costs with Basic Ingest"). The ingest handler accepts both forms anyway.
/// </summary>
public sealed class IotFixesEvent
{
    /// <summary>The MQTT payload (a Wire batch), base64 (RFC 4648 with padding, as <c>encode(*, 'base64')</c> writes it).</summary>
    [JsonPropertyName("payload")]
    public string? Payload { get; set; }

    /// <summary>The MQTT topic the batch was published to: <c>tracker/{car}/fixes</c>.</summary>
    [JsonPropertyName("topic")]
    public string? Topic { get; set; }

    /// <summary>The publishing connection's MQTT client id; the IoT policy makes it the thing name, which is the car id.</summary>
    [JsonPropertyName("clientId")]
    public string? ClientId { get; set; }

    /// <summary>When IoT Core received the message: <c>timestamp()</c>, UTC epoch milliseconds. Optional: the handler's clock otherwise.</summary>
    [JsonPropertyName("receivedAt")]
    public long? ReceivedAt { get; set; }
}
