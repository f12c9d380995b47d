using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>The <c>requestContext</c> of an HTTP API payload format 2.0 event (the fields we read).</summary>
public sealed class HttpApiRequestContext
{
    /// <summary>The API id.</summary>
    [JsonPropertyName("apiId")]
    public string? ApiId { get; set; }

    /// <summary>API Gateway's request id; the problem responses' <c>instance</c> names it.</summary>
    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    /// <summary>The matched route key.</summary>
    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    /// <summary>The stage: "$default" or a name that then prefixes <see cref="HttpApiRequest.RawPath"/>.</summary>
    [JsonPropertyName("stage")]
    public string? Stage { get; set; }

    /// <summary>When the request arrived, UTC epoch ms.</summary>
    [JsonPropertyName("timeEpoch")]
    public long TimeEpoch { get; set; }

    /// <summary>The HTTP method, path and client.</summary>
    [JsonPropertyName("http")]
    public HttpApiHttpDescription? Http { get; set; }

    /// <summary>The authorizer's output: for a JWT authorizer, <c>jwt.claims</c> and <c>jwt.scopes</c>.</summary>
    [JsonPropertyName("authorizer")]
    public HttpApiAuthorizer? Authorizer { get; set; }
}
