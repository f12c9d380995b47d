using System.Text.Json.Nodes;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Reading CloudFormation JSON: single-or-list values, and the text of a value with intrinsic functions.</summary>
internal static class TemplateJson
{
    /// <summary>A value that CloudFormation allows as one item or a list, as a list.</summary>
    public static IReadOnlyList<JsonNode?> List(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.ToList(),
        _ => [node],
    };

    /// <summary>The strings of a single-or-list value (intrinsics rendered by <see cref="Text"/>).</summary>
    public static IReadOnlyList<string> Strings(JsonNode? node) => List(node).Select(Text).ToList();

    /// <summary>
    /// A value as text: a string as itself; <c>Fn::Join</c> joined, with <c>Ref</c> as <c>{Ref:X}</c> and
    /// <c>Fn::GetAtt</c> as <c>{X.Attr}</c>, so a test can look at an ARN's literal parts.
    /// </summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v => v.ToString(),
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join((string)join[0]!, ((JsonArray)join[1]!).Select(Text)),
        JsonObject o when o["Ref"] is { } r => "{Ref:" + r + "}",
        JsonObject o when o["Fn::GetAtt"] is JsonArray a => "{" + a[0] + "." + a[1] + "}",
        JsonObject o when o["Fn::Sub"] is { } sub => Text(sub is JsonArray s ? s[0] : sub),
        _ => node.ToJsonString(),
    };
}
