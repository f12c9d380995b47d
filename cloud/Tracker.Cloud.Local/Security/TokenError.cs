namespace Tracker.Cloud.Local.Security;

/// <summary>Why <see cref="DevTokens.Validate"/> refused a token.</summary>
public enum TokenError
{
    /// <summary>The token is valid.</summary>
    None,

    /// <summary>No token at all.</summary>
    Missing,

    /// <summary>Not three base64url parts with JSON header and payload (RFC 7519 §7.2).</summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is not HS256 (RFC 7518 §3.2); <c>none</c> is never accepted.</summary>
    UnsupportedAlgorithm,

    /// <summary>The HMAC does not match: forged or signed with another key.</summary>
    BadSignature,

    /// <summary>Now is at or after <c>exp</c> (RFC 7519 §4.1.4), or <c>exp</c> is missing.</summary>
    Expired,

    /// <summary>Now is before <c>nbf</c> (RFC 7519 §4.1.5).</summary>
    NotYetValid,

    /// <summary>The <c>iss</c> is not this issuer.</summary>
    WrongIssuer,
}
