using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// The DynamoDB Streams event Lambda delivers from the rentals table (Lambda developer guide, "Using AWS Lambda with
/// Amazon DynamoDB", the example event; stream view <c>NEW_AND_OLD_IMAGES</c>): only the fields this function reads.
/// The sample is sample-events/rental-change.json.
/// </summary>
public sealed class RentalStreamEvent
{
    /// <summary>The batch's records, oldest first (one shard).</summary>
    [JsonPropertyName("Records")]
    public List<RentalStreamRecord>? Records { get; set; }
}

/// <summary>One change to one rental item.</summary>
public sealed class RentalStreamRecord
{
    /// <summary>A unique id of the record.</summary>
    [JsonPropertyName("eventID")]
    public string? EventId { get; set; }

    /// <summary><c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c>.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>The change.</summary>
    [JsonPropertyName("dynamodb")]
    public RentalStreamChange? Change { get; set; }
}

/// <summary>The stream record proper.</summary>
public sealed class RentalStreamChange
{
    /// <summary>The record's sequence number in its shard: the id a partial batch failure names.</summary>
    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; set; }

    /// <summary>The item after the change; absent for <c>REMOVE</c>.</summary>
    [JsonPropertyName("NewImage")]
    public Dictionary<string, StreamAttributeValue>? NewImage { get; set; }

    /// <summary>The item before the change; absent for <c>INSERT</c>.</summary>
    [JsonPropertyName("OldImage")]
    public Dictionary<string, StreamAttributeValue>? OldImage { get; set; }
}

/// <summary>A DynamoDB attribute value as a stream carries it; only strings, numbers and booleans are read.</summary>
public sealed class StreamAttributeValue
{
    /// <summary>A boolean (the events table's <c>withdrawn</c>).</summary>
    [JsonPropertyName("BOOL")]
    public bool? Bool { get; set; }

    /// <summary>A string.</summary>
    [JsonPropertyName("S")]
    public string? S { get; set; }

    /// <summary>A number, as text.</summary>
    [JsonPropertyName("N")]
    public string? N { get; set; }
}
