namespace Tracker.Cloud.Core.Query;

/// <summary>The raw query-string parameters of <c>GET /cars/{carId}/locations</c>, as received (null when absent).</summary>
/// <param name="Start">Range start: epoch milliseconds or an ISO 8601 / RFC 3339 time. Required.</param>
/// <param name="End">Range end (exclusive), same forms. Default start + 24 h.</param>
/// <param name="Limit">Page size, 1 to 1000. Default 100.</param>
/// <param name="Cursor">The <c>nextCursor</c> of the previous page, unchanged.</param>
public sealed record HistoryRequest(string? Start, string? End, string? Limit, string? Cursor);
