using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Archive;

/// <summary>
/// Source-generated JSON contracts of the archive function (its own context, beside
/// <see cref="Events.LambdaJsonContext"/>): the scheduled event in, the summary out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ScheduledArchiveEvent))]
[JsonSerializable(typeof(ArchiveSummary))]
public sealed partial class ArchiveEventJsonContext : JsonSerializerContext;
