using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>The <c>protocolData</c> of an <see cref="IotAuthorizerEvent"/>: the WebSocket upgrade's query string and the MQTT CONNECT's fields.</summary>
public sealed class IotAuthorizerProtocolData
{
    /// <summary>The WebSocket upgrade request (MQTT over WebSocket only).</summary>
    [JsonPropertyName("http")]
    public IotAuthorizerHttpData? Http { get; set; }

    /// <summary>The MQTT CONNECT's user name, password and client id.</summary>
    [JsonPropertyName("mqtt")]
    public IotAuthorizerMqttData? Mqtt { get; set; }
}
