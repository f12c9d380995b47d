using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>
/// The response an HTTP API payload format 2.0 integration returns (API Gateway developer guide, "Lambda
/// function response for format 2.0"): status code, headers, body, and whether the body is base64.
/// </summary>
public sealed class HttpApiResponse
{
    /// <summary>The HTTP status code.</summary>
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    /// <summary>Response headers.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body (JSON text here).</summary>
    [JsonPropertyName("body")]
    public string Body { get; set; } = string.Empty;

    /// <summary>Always false: our bodies are JSON text.</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
