namespace Tracker.Cloud.Local.Security;

/// <summary>The outcome of <see cref="DevTokens.Validate"/>.</summary>
/// <param name="Error">Why the token was refused, or <see cref="TokenError.None"/>.</param>
/// <param name="Claims">The claims when valid (empty otherwise), flattened as API Gateway's JWT authorizer does: arrays become <c>[a b]</c>.</param>
/// <param name="Detail">A short reason for the refusal, empty when valid.</param>
public sealed record TokenValidation(TokenError Error, IReadOnlyDictionary<string, string> Claims, string Detail)
{
    /// <summary>True when the token is valid.</summary>
    public bool IsValid => Error == TokenError.None;
}
