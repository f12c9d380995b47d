using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>
/// An API Gateway HTTP API request, Lambda proxy integration payload format version 2.0 (API Gateway
/// developer guide, "Create AWS Lambda proxy integrations for HTTP APIs"). Only the fields the API
/// handler reads are declared; the rest of the event (cookies, stageVariables, authentication...) is
/// ignored. Format 2.0 combines duplicate query parameters and headers with commas, and lower-cases
/// header names.
/// </summary>
public sealed class HttpApiRequest
{
    /// <summary>The payload format version: "2.0".</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>The matched route, "GET /cars/{carId}/location", or "$default" for the catch-all route.</summary>
    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    /// <summary>The request path, percent-encoded as sent (with the stage name first when the stage is not $default).</summary>
    [JsonPropertyName("rawPath")]
    public string? RawPath { get; set; }

    /// <summary>The query string without the '?'.</summary>
    [JsonPropertyName("rawQueryString")]
    public string? RawQueryString { get; set; }

    /// <summary>Headers, names lower-cased; duplicates combined with commas.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>Query parameters, decoded; a repeated parameter's values are combined with commas.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary>The route's path parameters ({carId}); absent for the $default route.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary>The request context: method, path, authorizer output.</summary>
    [JsonPropertyName("requestContext")]
    public HttpApiRequestContext? RequestContext { get; set; }

    /// <summary>The request body, or null.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary>True when <see cref="Body"/> is base64.</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
