using System.Text.Json.Nodes;

namespace Tracker.Cloud.Infra.Iot;

/// <summary>
/// Turns a JSON document (the provisioning tool's IoT policy) into the dictionaries and arrays that
/// jsii hands to CloudFormation as a JSON object property, so the stack embeds the very document the
/// provisioning library builds rather than a copy of it.
/// </summary>
public static class JsonForCdk
{
    /// <summary>Converts a JSON node.</summary>
    /// <param name="node">The node.</param>
    /// <returns>A dictionary for an object, an array for an array, a string, number or bool otherwise.</returns>
    /// <exception cref="ArgumentException">The node is a JSON null (CloudFormation has no use for one here).</exception>
    public static object Convert(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Convert(p.Value)),
        JsonArray a => a.Select(Convert).ToArray(),
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => throw new ArgumentException("JSON null or an unknown value cannot be a CloudFormation property: " + node?.ToJsonString(), nameof(node)),
    };
}
