using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>The MQTT CONNECT fields IoT Core passes to a custom authorizer.</summary>
public sealed class IotAuthorizerMqttData
{
    /// <summary>
    /// The user name. Without a default authorizer on the endpoint it ends with
    /// <c>?x-amz-customauthorizer-name={authorizer}</c>; the handler does not trust it for identity.
    /// </summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    /// <summary>The password, base64 (as IoT Core passes it): a non-browser client's token, if it sends it there.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    /// <summary>The client id, present when the client sent one.</summary>
    [JsonPropertyName("clientId")]
    public string? ClientId { get; set; }
}
