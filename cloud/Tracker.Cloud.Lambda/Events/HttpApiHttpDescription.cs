using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>The <c>requestContext.http</c> object of an HTTP API payload format 2.0 event.</summary>
public sealed class HttpApiHttpDescription
{
    /// <summary>The HTTP method, upper case.</summary>
    [JsonPropertyName("method")]
    public string? Method { get; set; }

    /// <summary>The request path.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>The protocol, "HTTP/1.1".</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    /// <summary>The client's address.</summary>
    [JsonPropertyName("sourceIp")]
    public string? SourceIp { get; set; }

    /// <summary>The client's user agent.</summary>
    [JsonPropertyName("userAgent")]
    public string? UserAgent { get; set; }
}
