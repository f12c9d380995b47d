using System.Globalization;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// Reads the caller from <c>requestContext.authorizer.jwt.claims</c> into the core's <see cref="Identity"/>.
/// </summary>
/// <remarks>
/// The split: API Gateway's JWT authorizer checks the signature, issuer, audience, <c>exp</c> and
/// <c>nbf</c> before the function runs, so a forged or expired token never reaches it (API Gateway
/// developer guide, "Controlling access to HTTP APIs with JWT authorizers"). The handler cannot check a
/// signature (only the claims reach it), but it refuses with 401 an event whose claims are missing, have
/// no <c>sub</c> or no <c>exp</c>, or whose <c>exp</c> is not after the handler's clock: a route wired
/// without the authorizer, or a replayed or hand-made event, fails closed.
/// <para>
/// Roles come from <see cref="IdentityClaims"/>: the <c>roles</c> claim or Cognito's <c>cognito:groups</c>
/// (<c>operator</c>/<c>operators</c>, <c>renter</c>/<c>renters</c>). API Gateway passes every claim as a
/// string, an array as "[a b c]"; a hand-written event's JSON numbers and arrays read the same.
/// </para>
/// </remarks>
public static class CallerClaims
{
    /// <summary>The expiry claim, seconds since the epoch (RFC 7519 §4.1.4).</summary>
    public const string ExpiryClaim = "exp";

    /// <summary>Reads the caller, or says why the request is not authenticated.</summary>
    /// <param name="request">The event.</param>
    /// <param name="nowMs">The handler's clock, UTC epoch ms.</param>
    /// <param name="identity">The caller, or null.</param>
    /// <param name="detail">Why not, for the 401 problem's detail; empty on success.</param>
    /// <returns>True when the claims name a caller whose token has not expired.</returns>
    public static bool TryRead(HttpApiRequest request, long nowMs, out Identity? identity, out string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        identity = null;
        Dictionary<string, JsonElement>? raw = request.RequestContext?.Authorizer?.Jwt?.Claims;
        if (raw is null || raw.Count == 0)
        {
            detail = "The request carries no JWT claims (requestContext.authorizer.jwt.claims): send a bearer token to a route behind the JWT authorizer.";
            return false;
        }

        Dictionary<string, string> claims = Flatten(raw);
        if (!claims.TryGetValue(ExpiryClaim, out string? exp)
            || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out long expSeconds)
            || expSeconds > long.MaxValue / 1000)
        {
            detail = "The token has no valid 'exp' claim (seconds since the epoch).";
            return false;
        }

        long expiresMs = expSeconds * 1000;
        if (expiresMs <= nowMs)
        {
            detail = "The token expired at " + DateTimeOffset.FromUnixTimeMilliseconds(expiresMs).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + ".";
            return false;
        }

        if (!IdentityClaims.TryRead(claims, out identity, out string error))
        {
            detail = "The token is not usable: " + error + ".";
            return false;
        }

        detail = string.Empty;
        return true;
    }

    /// <summary>Turns claim values into API Gateway's string form: strings as is, numbers as digits, arrays as "[a b]".</summary>
    private static Dictionary<string, string> Flatten(Dictionary<string, JsonElement> raw)
    {
        Dictionary<string, string> claims = new(StringComparer.Ordinal);
        foreach ((string name, JsonElement value) in raw)
        {
            string? text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                JsonValueKind.Array => "[" + string.Join(' ', value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())) + "]",
                _ => null,
            };
            if (text is not null)
            {
                claims[name] = text;
            }
        }

        return claims;
    }
}
