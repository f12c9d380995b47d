namespace Tracker.Cloud.Local.Security;

/// <summary>The outcome of <see cref="IApiTokens.CheckAsync"/>.</summary>
/// <param name="Outcome">Valid, refused, or not decidable now (the provider's keys cannot be read).</param>
/// <param name="Claims">The claims when valid (flattened as API Gateway passes them), else empty.</param>
/// <param name="Detail">Why not, safe to show (never the token).</param>
public sealed record ApiTokenCheck(ApiTokenOutcome Outcome, IReadOnlyDictionary<string, string> Claims, string Detail)
{
    private static readonly IReadOnlyDictionary<string, string> NoClaims = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True for a valid token.</summary>
    public bool IsValid => Outcome == ApiTokenOutcome.Valid;

    /// <summary>A refusal.</summary>
    /// <param name="detail">Why.</param>
    /// <returns>The outcome.</returns>
    public static ApiTokenCheck Refused(string detail) => new(ApiTokenOutcome.Refused, NoClaims, detail);

    /// <summary>No decision: the keys could not be read.</summary>
    /// <param name="detail">Why.</param>
    /// <returns>The outcome.</returns>
    public static ApiTokenCheck Unavailable(string detail) => new(ApiTokenOutcome.Unavailable, NoClaims, detail);
}
