using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// The HTTP part of an <see cref="IotAuthorizerEvent"/>: for MQTT over WebSocket, the upgrade request's headers and
/// query string. Browsers carry the authorizer's name and their token in that query string
/// (<see cref="Tracker.Cloud.Core.Access.LiveCredentials"/>).
/// </summary>
public sealed class IotAuthorizerHttpData
{
    /// <summary>The request headers.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>The query string, <c>?name=value&amp;...</c> as IoT Core passes it.</summary>
    [JsonPropertyName("queryString")]
    public string? QueryString { get; set; }
}
