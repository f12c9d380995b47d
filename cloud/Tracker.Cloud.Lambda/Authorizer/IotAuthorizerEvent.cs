using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// The event AWS IoT Core sends a custom authorizer's function (AWS IoT developer guide, "Defining your
/// Lambda function"). Fields that do not concern a connection are absent. Our authorizer has token
/// signing disabled (the token is a Cognito JWT that the function verifies itself); browsers send it in
/// the WebSocket upgrade's query string (<see cref="IotAuthorizerHttpData.QueryString"/>), which IoT Core
/// may also extract into <see cref="Token"/> by the authorizer's token key name. Only the fields the
/// handler reads are declared.
/// </summary>
public sealed class IotAuthorizerEvent
{
    /// <summary>The token from the header or query parameter named by the authorizer's token key, when IoT Core extracted one.</summary>
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    /// <summary>Whether IoT Core verified the token's signature (false with signing disabled).</summary>
    [JsonPropertyName("signatureVerified")]
    public bool SignatureVerified { get; set; }

    /// <summary>The protocols of the request: <c>tls</c>, <c>http</c>, <c>mqtt</c>.</summary>
    [JsonPropertyName("protocols")]
    public List<string>? Protocols { get; set; }

    /// <summary>What each protocol carried.</summary>
    [JsonPropertyName("protocolData")]
    public IotAuthorizerProtocolData? ProtocolData { get; set; }

    /// <summary>The connection, for logs.</summary>
    [JsonPropertyName("connectionMetadata")]
    public IotAuthorizerConnectionMetadata? ConnectionMetadata { get; set; }
}
