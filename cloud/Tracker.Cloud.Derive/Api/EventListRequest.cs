namespace Tracker.Cloud.Derive.Api;

/// <summary>
/// The raw parameters of an event list (<c>GET /events</c>, <c>GET /cars/{carId}/events</c>), as the edge received them.
/// </summary>
/// <param name="CarId">The car, or null for the fleet.</param>
/// <param name="Types">Comma-separated type names, or null for all.</param>
/// <param name="Start">Episode start at or after: epoch ms or ISO-8601 with an offset; null for none.</param>
/// <param name="End">Episode start before; null for none.</param>
/// <param name="Limit">Page size, 1 to 1,000 (default 100).</param>
/// <param name="Cursor">From the previous page.</param>
/// <param name="Withdrawn">"true" to include withdrawn events.</param>
public sealed record EventListRequest(string? CarId, string? Types, string? Start, string? End, string? Limit, string? Cursor, string? Withdrawn);
