using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// An RFC 9457 problem details object, sent as <c>application/problem+json</c>. <see cref="Type"/> is a
/// relative URI naming the problem (RFC 9457 §3.1.1 allows relative references); the API's README lists them.
/// </summary>
/// <param name="Type">The problem type: "/problems/bad-query"...</param>
/// <param name="Title">A short summary that does not change between occurrences.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong with this request, for the client's developer.</param>
/// <param name="Instance">This occurrence: the request path and API Gateway's request id.</param>
public sealed record ProblemBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("instance")] string Instance);
