namespace Tracker.Cloud.Local.Security;

/// <summary>
/// The check of an API request's bearer token, in the place of API Gateway's JWT authorizer: the dev tokens of this host
/// (<see cref="DevApiTokens"/>) or an OpenID Connect provider's ID tokens (<see cref="OidcTokens"/>).
/// </summary>
public interface IApiTokens
{
    /// <summary>Checks a token. Never throws on the token's content.</summary>
    /// <param name="authorization">The <c>Authorization</c> header (<c>Bearer ...</c>) or the bare token.</param>
    /// <param name="cancellationToken">Cancels a key read.</param>
    /// <returns>The claims, or why not.</returns>
    ValueTask<ApiTokenCheck> CheckAsync(string authorization, CancellationToken cancellationToken);
}
