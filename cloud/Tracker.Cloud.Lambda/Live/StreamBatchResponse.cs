using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// The answer to the event source mapping with <c>ReportBatchItemFailures</c> (Lambda developer guide, "Configuring
/// partial batch response with DynamoDB and Lambda"): the first record that failed; Lambda retries from it.
/// </summary>
public sealed class StreamBatchResponse
{
    /// <summary>The failed record, or none.</summary>
    [JsonPropertyName("batchItemFailures")]
    public List<StreamBatchItemFailure> BatchItemFailures { get; } = [];
}

/// <summary>One failed record.</summary>
/// <param name="ItemIdentifier">Its sequence number.</param>
public sealed record StreamBatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
