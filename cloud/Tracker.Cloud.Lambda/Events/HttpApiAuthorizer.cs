using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>The <c>requestContext.authorizer</c> object: what the route's authorizer passed on.</summary>
public sealed class HttpApiAuthorizer
{
    /// <summary>The JWT authorizer's output, or null when the route has another authorizer or none.</summary>
    [JsonPropertyName("jwt")]
    public HttpApiJwtDescription? Jwt { get; set; }
}

/// <summary>
/// <c>requestContext.authorizer.jwt</c>: the validated token's claims and scopes. API Gateway passes every
/// claim as a string: numbers as their digits ("exp": "1718000000") and arrays as a bracketed,
/// space-separated string ("cognito:groups": "[operators admins]"). Values are kept as JSON so that a
/// hand-written event with real numbers and arrays reads the same.
/// </summary>
public sealed class HttpApiJwtDescription
{
    /// <summary>The claims, by name.</summary>
    [JsonPropertyName("claims")]
    public Dictionary<string, JsonElement>? Claims { get; set; }

    /// <summary>The token's scopes, or null.</summary>
    [JsonPropertyName("scopes")]
    public string[]? Scopes { get; set; }
}
