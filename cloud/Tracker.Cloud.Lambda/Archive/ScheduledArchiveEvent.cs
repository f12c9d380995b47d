using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Archive;

/// <summary>
/// What the archive function is invoked with: the EventBridge scheduled event of its daily rule
/// (<c>"detail-type": "Scheduled Event"</c>, <c>"source": "aws.events"</c>, <c>time</c> in RFC 3339 UTC:
/// EventBridge user guide, "Creating a rule that runs on a schedule"), or a backfill request
/// <c>{"day": "2025-06-10"}</c>. Only the fields read are declared; the others (id, account, region,
/// resources, detail) are ignored.
/// </summary>
public sealed class ScheduledArchiveEvent
{
    /// <summary>When the rule fired, e.g. <c>2025-06-11T00:15:00Z</c>; the previous UTC day is exported.</summary>
    [JsonPropertyName("time")]
    public string? Time { get; set; }

    /// <summary>The day to export, <c>yyyy-MM-dd</c>, for a backfill; it wins over <see cref="Time"/>.</summary>
    [JsonPropertyName("day")]
    public string? Day { get; set; }

    /// <summary>The EventBridge detail type: <c>Scheduled Event</c> for a schedule rule.</summary>
    [JsonPropertyName("detail-type")]
    public string? DetailType { get; set; }

    /// <summary>The event source: <c>aws.events</c> for a schedule rule.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }
}
