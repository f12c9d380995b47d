using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>Source-generated JSON contracts of the live-disconnect function (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(RentalStreamEvent))]
[JsonSerializable(typeof(StreamBatchResponse))]
[JsonSerializable(typeof(RentalChangeLogLine))]
public sealed partial class LiveDisconnectJsonContext : JsonSerializerContext
{
}
