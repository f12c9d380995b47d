namespace Tracker.Cloud.Core.Access;

/// <summary>The outcome of <see cref="CognitoTokenValidator.Validate"/>.</summary>
/// <param name="Error">Why the token was refused, or <see cref="CognitoTokenError.None"/>.</param>
/// <param name="Claims">
/// The claims when valid (empty otherwise), flattened as API Gateway's JWT authorizer passes them
/// (arrays become <c>[a b]</c>), so <see cref="IdentityClaims.TryRead"/> reads them unchanged.
/// </param>
/// <param name="ExpiresAtSeconds">The token's <c>exp</c>, UTC epoch seconds, when valid; 0 otherwise.</param>
/// <param name="Detail">A short reason for the refusal, empty when valid. Never contains the token.</param>
public sealed record CognitoTokenValidation(CognitoTokenError Error, IReadOnlyDictionary<string, string> Claims, long ExpiresAtSeconds, string Detail)
{
    /// <summary>True when the token is valid.</summary>
    public bool IsValid => Error == CognitoTokenError.None;

    /// <summary>A refusal.</summary>
    /// <param name="error">Why.</param>
    /// <param name="detail">A short reason.</param>
    /// <returns>The outcome.</returns>
    public static CognitoTokenValidation Refuse(CognitoTokenError error, string detail) =>
        new(error, new Dictionary<string, string>(StringComparer.Ordinal), 0, detail);
}
