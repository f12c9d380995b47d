using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>The <c>connectionMetadata</c> of an <see cref="IotAuthorizerEvent"/>.</summary>
public sealed class IotAuthorizerConnectionMetadata
{
    /// <summary>The connection id IoT Core gives, for correlating logs.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}
