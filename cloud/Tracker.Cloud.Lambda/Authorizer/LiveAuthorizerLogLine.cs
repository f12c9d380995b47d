using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// The one JSON log line the live authorizer writes per decision (CloudWatch Logs Insights can count
/// refusals by reason). It never holds the token or the password.
/// </summary>
/// <param name="Decision">"allow" or "deny".</param>
/// <param name="Principal">The principal id.</param>
/// <param name="Reason">The <c>LiveDenial</c> name when refused, or null.</param>
/// <param name="TokenError">The <c>CognitoTokenError</c> name when the token failed, or null.</param>
/// <param name="Detail">The short reason, or null.</param>
/// <param name="Fleet">True for an operator's whole-fleet grant.</param>
/// <param name="Cars">The cars granted to a renter.</param>
/// <param name="DisconnectAfterSeconds">The connection's length limit.</param>
/// <param name="ConnectionId">IoT Core's connection id, or null.</param>
/// <param name="TokenSource">Where the token came from (<c>LiveCredentialSource</c>: <c>UpgradeQuery</c> for browsers).</param>
public sealed record LiveAuthorizerLogLine(
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("tokenError")] string? TokenError,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("fleet")] bool Fleet,
    [property: JsonPropertyName("cars")] IReadOnlyList<string> Cars,
    [property: JsonPropertyName("disconnectAfterSeconds")] int DisconnectAfterSeconds,
    [property: JsonPropertyName("connectionId")] string? ConnectionId,
    [property: JsonPropertyName("tokenSource")] string TokenSource);
