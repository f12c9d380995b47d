using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>The <c>protocolData</c> of an <see cref="IotAuthorizerEvent"/>: here only the MQTT part is read.</summary>
public sealed class IotAuthorizerProtocolData
{
    /// <summary>The MQTT CONNECT's user name, password and client id.</summary>
    [JsonPropertyName("mqtt")]
    public IotAuthorizerMqttData? Mqtt { get; set; }
}
