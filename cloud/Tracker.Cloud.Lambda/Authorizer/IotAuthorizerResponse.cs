using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// A custom authorizer function's answer to AWS IoT Core (AWS IoT developer guide, "Defining your Lambda
/// function"): <c>isAuthenticated</c>, <c>principalId</c> (1 to 128 of <c>[A-Za-z0-9]</c>),
/// <c>disconnectAfterInSeconds</c> and <c>refreshAfterInSeconds</c> (300 to 86,400), and
/// <c>policyDocuments</c>, a list of IoT policy documents as JSON objects (at most 10, each at most
/// 2,048 characters).
/// </summary>
public sealed class IotAuthorizerResponse
{
    /// <summary>Whether the connection may open.</summary>
    [JsonPropertyName("isAuthenticated")]
    public bool IsAuthenticated { get; set; }

    /// <summary>Who connects, for IoT Core's logs.</summary>
    [JsonPropertyName("principalId")]
    public string PrincipalId { get; set; } = string.Empty;

    /// <summary>How long the connection may stay open, s.</summary>
    [JsonPropertyName("disconnectAfterInSeconds")]
    public int DisconnectAfterInSeconds { get; set; }

    /// <summary>When IoT Core re-runs the authorizer on the open connection, s.</summary>
    [JsonPropertyName("refreshAfterInSeconds")]
    public int RefreshAfterInSeconds { get; set; }

    /// <summary>The IoT policy documents.</summary>
    [JsonPropertyName("policyDocuments")]
    public List<JsonElement> PolicyDocuments { get; set; } = [];
}
