using System.Text.Json;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Turns a JWT claim into the text API Gateway's JWT authorizer passes to a function
/// (<c>requestContext.authorizer.jwt.claims</c>): strings as they are, arrays as <c>[a b]</c>, other
/// values as their JSON text. <see cref="IdentityClaims"/> reads that shape.
/// </summary>
internal static class JwtClaimText
{
    /// <summary>The claim's text.</summary>
    /// <param name="value">The claim value.</param>
    /// <returns>Its flattened text.</returns>
    public static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => "[" + string.Join(' ', value.EnumerateArray().Select(Flatten)) + "]",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };
}
