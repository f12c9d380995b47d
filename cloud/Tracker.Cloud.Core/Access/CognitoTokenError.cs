namespace Tracker.Cloud.Core.Access;

/// <summary>Why <see cref="CognitoTokenValidator"/> refused a token.</summary>
public enum CognitoTokenError
{
    /// <summary>The token is valid.</summary>
    None,

    /// <summary>No token at all.</summary>
    Missing,

    /// <summary>Not three base64url parts with JSON object header and payload, no <c>kid</c>, or a claim of the wrong type (RFC 7519 §7.2).</summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is not RS256: <c>none</c> and HMAC (the key-confusion attack) are never accepted.</summary>
    UnsupportedAlgorithm,

    /// <summary>The header's <c>kid</c> is not in the user pool's key set, even after a refresh.</summary>
    UnknownKey,

    /// <summary>The RS256 signature does not verify with the key named by <c>kid</c>.</summary>
    BadSignature,

    /// <summary>The <c>iss</c> is not the user pool.</summary>
    WrongIssuer,

    /// <summary>An ID token whose <c>aud</c>, or an access token whose <c>client_id</c>, is not an accepted app client.</summary>
    WrongAudience,

    /// <summary>The <c>token_use</c> is missing or not one accepted (Cognito writes <c>id</c> or <c>access</c>).</summary>
    WrongTokenUse,

    /// <summary>Now is at or after <c>exp</c> (RFC 7519 §4.1.4), or <c>exp</c> is missing.</summary>
    Expired,

    /// <summary>Now is before <c>nbf</c> (RFC 7519 §4.1.5) or before <c>iat</c>, beyond the allowed skew.</summary>
    NotYetValid,
}
