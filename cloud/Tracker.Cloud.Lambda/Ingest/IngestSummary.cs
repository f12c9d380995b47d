using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Ingest;

/// <summary>
/// What the ingest function did with one message: its response, and the structured log line it writes
/// (one per batch, JSON, so CloudWatch Logs Insights can count rejections by reason).
/// </summary>
/// <param name="Outcome">"stored" (the batch was decoded and filtered; some fixes may have been rejected) or "rejected" (the whole message was refused).</param>
/// <param name="CarId">The car, or null when the topic named none.</param>
/// <param name="Topic">The topic as the rule passed it.</param>
/// <param name="Reason">Why the whole message was rejected (a <c>BatchRejection</c> name, or "notBase64"), or null.</param>
/// <param name="Detail">A human-readable reason, or null.</param>
/// <param name="Decoded">Fixes in the batch.</param>
/// <param name="Accepted">Fixes newly stored.</param>
/// <param name="Rejected">Fixes rejected, by filter name (only non-zero counts).</param>
/// <param name="LatestAdvanced">True when the car's latest position moved forward.</param>
public sealed record IngestSummary(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("carId")] string? CarId,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("decoded")] int Decoded,
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] IReadOnlyDictionary<string, int> Rejected,
    [property: JsonPropertyName("latestAdvanced")] bool LatestAdvanced)
{
    /// <summary>The <see cref="Outcome"/> of a batch that went through the filters.</summary>
    public const string Stored = "stored";

    /// <summary>The <see cref="Outcome"/> of a message refused as a whole.</summary>
    public const string RejectedOutcome = "rejected";

    /// <summary>The <see cref="Reason"/> for a payload that is not base64.</summary>
    public const string NotBase64 = "notBase64";
}
