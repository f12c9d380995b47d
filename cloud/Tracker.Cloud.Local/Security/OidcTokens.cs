using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Authorizer;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// An OpenID Connect provider's ID tokens, checked as in AWS (<c>--auth oidc</c>): the same
/// <see cref="CognitoTokenValidator"/> the live authorizer function runs (RS256 with the provider's published keys,
/// issuer, <c>token_use</c>, audience, expiry), with the keys read and cached by the function's own
/// <see cref="HttpJwksSource"/>. The API, like API Gateway's JWT authorizer, and the broker's stand-in for IoT Core's
/// custom authorizer both use it.
/// </summary>
public sealed class OidcTokens : IApiTokens, IDisposable
{
    /// <summary>The bound on one read of the provider's keys.</summary>
    public static readonly TimeSpan KeysTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;

    /// <summary>Creates the checks for one provider and one app client.</summary>
    /// <param name="issuer">The provider's issuer.</param>
    /// <param name="clientId">The web app's client id.</param>
    /// <param name="clock">The clock.</param>
    public OidcTokens(Uri issuer, string clientId, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        Options = new CognitoTokenOptions { Issuer = issuer.ToString().TrimEnd('/'), ClientIds = [clientId] };
        Validator = new CognitoTokenValidator(Options, clock);
        _http = new HttpClient { Timeout = KeysTimeout };
        Keys = new HttpJwksSource(_http, Options.JwksUri, clock);
    }

    /// <summary>What is accepted.</summary>
    public CognitoTokenOptions Options { get; }

    /// <summary>The validator.</summary>
    public CognitoTokenValidator Validator { get; }

    /// <summary>The provider's keys.</summary>
    public ISigningKeySource Keys { get; }

    /// <inheritdoc />
    public async ValueTask<ApiTokenCheck> CheckAsync(string authorization, CancellationToken cancellationToken)
    {
        try
        {
            JsonWebKeySet keys = await Keys.GetKeysAsync(false, cancellationToken).ConfigureAwait(false);
            CognitoTokenValidation result = Validator.Validate(authorization, keys);
            if (result.Error == CognitoTokenError.UnknownKey)
            {
                result = Validator.Validate(authorization, await Keys.GetKeysAsync(true, cancellationToken).ConfigureAwait(false));
            }

            return result.IsValid ? new ApiTokenCheck(ApiTokenOutcome.Valid, result.Claims, string.Empty) : ApiTokenCheck.Refused(result.Detail);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ApiTokenCheck.Unavailable("the identity provider's keys cannot be read (" + Options.JwksUri + "): " + e.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
