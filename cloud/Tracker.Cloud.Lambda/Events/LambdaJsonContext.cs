using System.Text.Json.Serialization;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Ingest;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>
/// Source-generated System.Text.Json contracts for every type the functions read or write: no
/// reflection at run time, and a cold start that does not pay for it. Property names come from the
/// types' <c>JsonPropertyName</c> attributes (the AWS event shapes) or camelCase.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(IotFixesEvent))]
[JsonSerializable(typeof(HttpApiRequest))]
[JsonSerializable(typeof(HttpApiResponse))]
[JsonSerializable(typeof(IngestSummary))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(LocationBody))]
[JsonSerializable(typeof(HistoryBody))]
[JsonSerializable(typeof(FleetBody))]
[JsonSerializable(typeof(MeBody))]
public sealed partial class LambdaJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The contracts the handlers use: as the generated <c>Default</c>, but writing quotes
    /// and apostrophes as themselves rather than \u0022, so a response body embedded in the response JSON
    /// stays readable. The bodies are served as JSON, never inlined into HTML, so the relaxed escaping is safe.
    /// </summary>
    public static LambdaJsonContext Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
