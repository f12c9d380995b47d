namespace Tracker.Cloud.Core.Access;

/// <summary>
/// The answer of <see cref="LiveAuthorizer"/>, in the terms of an AWS IoT custom authorizer response
/// (AWS IoT developer guide, "Defining your Lambda function"): whether the connection may open, who it
/// is, how long it may stay open, when to ask again, and the IoT policy documents that bound it.
/// </summary>
/// <param name="Denial">Why refused, or <see cref="LiveDenial.None"/>.</param>
/// <param name="PrincipalId">The connection's principal: 1 to 128 of <c>[A-Za-z0-9]</c>, from the user id.</param>
/// <param name="DisconnectAfterSeconds">How long the connection may stay open: never past the token's expiry nor the end of the rental it serves; 300..86400.</param>
/// <param name="RefreshAfterSeconds">When IoT Core asks again (re-reading the rentals); 300..<paramref name="DisconnectAfterSeconds"/>.</param>
/// <param name="PolicyDocuments">The IoT policy documents (compact JSON, each at most 2,048 characters, at most 10); empty when refused.</param>
/// <param name="Cars">The cars granted to a renter; empty for operators (who get the whole fleet) and when refused.</param>
/// <param name="IsFleet">True when the grant covers every car (an operator).</param>
/// <param name="TokenError">When <paramref name="Denial"/> is <see cref="LiveDenial.InvalidToken"/>, how the token failed.</param>
/// <param name="Detail">A short reason when refused, safe to log (never the token).</param>
public sealed record LiveAuthorization(
    LiveDenial Denial,
    string PrincipalId,
    int DisconnectAfterSeconds,
    int RefreshAfterSeconds,
    IReadOnlyList<string> PolicyDocuments,
    IReadOnlyList<string> Cars,
    bool IsFleet,
    CognitoTokenError TokenError,
    string Detail)
{
    /// <summary>IoT Core's shortest allowed <c>disconnectAfterInSeconds</c> and <c>refreshAfterInSeconds</c>.</summary>
    public const int MinSeconds = 300;

    /// <summary>IoT Core's longest allowed <c>disconnectAfterInSeconds</c> and <c>refreshAfterInSeconds</c> (24 h).</summary>
    public const int MaxSeconds = 86_400;

    /// <summary>The principal reported for a refused connection.</summary>
    public const string DeniedPrincipal = "denied";

    /// <summary>The user id (token subject) the grant is for; empty when refused. The local broker binds a client id to it.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>True when the connection may open.</summary>
    public bool IsAuthenticated => Denial == LiveDenial.None;

    /// <summary>A refusal.</summary>
    /// <param name="denial">Why.</param>
    /// <param name="detail">A short reason, safe to log.</param>
    /// <param name="tokenError">How the token failed, if that is why.</param>
    /// <returns>The answer.</returns>
    public static LiveAuthorization Deny(LiveDenial denial, string detail, CognitoTokenError tokenError = CognitoTokenError.None) =>
        new(denial, DeniedPrincipal, MinSeconds, MinSeconds, [], [], false, tokenError, detail);
}
