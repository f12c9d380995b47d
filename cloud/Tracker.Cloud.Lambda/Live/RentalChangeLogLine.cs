using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>The one JSON log line per batch.</summary>
/// <param name="Records">Records in the batch.</param>
/// <param name="Renters">Renters whose connections were looked up.</param>
/// <param name="Closed">Connections IoT Core closed.</param>
/// <param name="NotConnected">Recorded client ids that were no longer connected (404).</param>
/// <param name="Ignored">Records that change nothing running now, or are not rentals.</param>
/// <param name="FailedAt">The sequence number retried from, or null.</param>
/// <param name="Error">The failure, or null.</param>
public sealed record RentalChangeLogLine(
    [property: JsonPropertyName("records")] int Records,
    [property: JsonPropertyName("renters")] int Renters,
    [property: JsonPropertyName("closed")] int Closed,
    [property: JsonPropertyName("notConnected")] int NotConnected,
    [property: JsonPropertyName("ignored")] int Ignored,
    [property: JsonPropertyName("failedAt")] string? FailedAt,
    [property: JsonPropertyName("error")] string? Error);
