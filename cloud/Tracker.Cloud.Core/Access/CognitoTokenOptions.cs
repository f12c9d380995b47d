namespace Tracker.Cloud.Core.Access;

/// <summary>
/// What <see cref="CognitoTokenValidator"/> accepts: immutable, checked by <see cref="Validate"/>. No
/// defaults for the issuer or the clients (STYLE.md, principle 7): each deployment names its own.
/// </summary>
public sealed record CognitoTokenOptions
{
    /// <summary>
    /// The user pool's issuer, <c>https://cognito-idp.{region}.amazonaws.com/{userPoolId}</c>; compared exactly with
    /// <c>iss</c>. Plain <c>http</c> is accepted only for a loopback host (127.0.0.1, ::1, localhost): an OpenID
    /// Connect provider standing in for Cognito on the same machine (the local stack, its tests).
    /// </summary>
    public required string Issuer { get; init; }

    /// <summary>The app client ids accepted: an ID token's <c>aud</c> or an access token's <c>client_id</c> must be one.</summary>
    public required IReadOnlyList<string> ClientIds { get; init; }

    /// <summary>Accept ID tokens (<c>token_use</c> = <c>id</c>); true by default, since they carry <c>cognito:groups</c> and <c>aud</c>.</summary>
    public bool AcceptIdTokens { get; init; } = true;

    /// <summary>Accept access tokens (<c>token_use</c> = <c>access</c>); true by default.</summary>
    public bool AcceptAccessTokens { get; init; } = true;

    /// <summary>Leeway on <c>exp</c>, <c>nbf</c> and <c>iat</c>; none by default, at most 5 minutes.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.Zero;

    /// <summary>The JWKS address of <see cref="Issuer"/> (Cognito developer guide, "Verifying a JSON web token").</summary>
    public Uri JwksUri => new(Issuer.TrimEnd('/') + "/.well-known/jwks.json");

    /// <summary>Fails fast, naming the option, when one is unusable.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Issuer)
            || !Uri.TryCreate(Issuer, UriKind.Absolute, out Uri? issuer)
            || !(issuer.Scheme == Uri.UriSchemeHttps || (issuer.Scheme == Uri.UriSchemeHttp && issuer.IsLoopback))
            || !string.IsNullOrEmpty(issuer.Query))
        {
            throw new ArgumentException($"Issuer must be the user pool's https issuer URL, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123, or http on a loopback host for a local stand-in (got '{Issuer}').", nameof(Issuer));
        }

        if (ClientIds is null || ClientIds.Count == 0 || ClientIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("ClientIds must name at least one app client id, none empty.", nameof(ClientIds));
        }

        if (!AcceptIdTokens && !AcceptAccessTokens)
        {
            throw new ArgumentException("AcceptIdTokens and AcceptAccessTokens cannot both be false: no token would pass.", nameof(AcceptIdTokens));
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException("ClockSkew must be between 0 and 5 minutes.", nameof(ClockSkew));
        }
    }
}
