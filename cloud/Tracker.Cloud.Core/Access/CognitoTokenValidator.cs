using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Validates a Cognito user pool JWT signed with RS256 (RFC 7519, RFC 7515 compact form, RFC 7518
/// §3.3) against the pool's key set, as the Cognito developer guide's "Verifying a JSON web token"
/// lists: the signature with the key named by <c>kid</c>, <c>iss</c>, <c>token_use</c>, the audience
/// (<c>aud</c> for ID tokens, <c>client_id</c> for access tokens), <c>exp</c> (required), <c>nbf</c>
/// and <c>iat</c>. Used where no API Gateway authorizer stands in front: the IoT custom authorizer of
/// the browsers' live connection. Never throws on the token's content.
/// </summary>
public sealed class CognitoTokenValidator
{
    private const string Bearer = "Bearer ";

    private readonly CognitoTokenOptions _options;
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _clients;
    private readonly long _skewSeconds;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">Issuer, clients, token uses and skew; validated here.</param>
    /// <param name="clock">"Now", for <c>exp</c>, <c>nbf</c> and <c>iat</c>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public CognitoTokenValidator(CognitoTokenOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _options = options;
        _clock = clock;
        _clients = new HashSet<string>(options.ClientIds, StringComparer.Ordinal);
        _skewSeconds = (long)options.ClockSkew.TotalSeconds;
    }

    /// <summary>Validates a token against a key set.</summary>
    /// <param name="token">The compact JWS, with or without a <c>Bearer </c> prefix.</param>
    /// <param name="keys">The user pool's keys.</param>
    /// <returns>The claims, or why the token was refused.</returns>
    public CognitoTokenValidation Validate(string? token, JsonWebKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrWhiteSpace(token))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Missing, "no token");
        }

        token = token.Trim();
        if (token.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            token = token[Bearer.Length..].Trim();
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3 || parts[2].Length == 0 || !Base64Url.IsValid(parts[0]) || !Base64Url.IsValid(parts[1]) || !Base64Url.IsValid(parts[2]))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Malformed, "not a compact JWS of three base64url parts");
        }

        if (!TryParseObject(parts[0], out JsonElement header) || !TryParseObject(parts[1], out JsonElement payload))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Malformed, "header or payload is not a JSON object");
        }

        // Only RS256, fixed here and never taken from the key: an attacker-chosen "none" or "HS256"
        // (signed with the public key as an HMAC secret) must not even reach verification.
        if (!header.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.UnsupportedAlgorithm, "only RS256 is accepted");
        }

        if (header.TryGetProperty("crit", out _))
        {
            // RFC 7515 §4.1.11: a verifier that does not understand a critical extension must reject the JWS.
            return CognitoTokenValidation.Refuse(CognitoTokenError.Malformed, "critical header extensions are not supported");
        }

        if (!header.TryGetProperty("kid", out JsonElement kidElement) || kidElement.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(kidElement.GetString()))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Malformed, "the header has no kid");
        }

        if (!keys.TryGetKey(kidElement.GetString()!, out RSAParameters key))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.UnknownKey, "the kid is not in the user pool's key set");
        }

        if (!VerifyRs256(key, parts[0] + "." + parts[1], Base64Url.DecodeFromChars(parts[2])))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.BadSignature, "the RS256 signature does not verify");
        }

        return CheckClaims(payload);
    }

    private CognitoTokenValidation CheckClaims(JsonElement payload)
    {
        if (!payload.TryGetProperty("iss", out JsonElement iss) || iss.ValueKind != JsonValueKind.String || !string.Equals(iss.GetString(), _options.Issuer, StringComparison.Ordinal))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.WrongIssuer, "the issuer is not the user pool");
        }

        string? use = payload.TryGetProperty("token_use", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        bool audienceOk;
        if (use == "id" && _options.AcceptIdTokens)
        {
            audienceOk = payload.TryGetProperty("aud", out JsonElement aud) && AudienceMatches(aud);
        }
        else if (use == "access" && _options.AcceptAccessTokens)
        {
            audienceOk = payload.TryGetProperty("client_id", out JsonElement client) && client.ValueKind == JsonValueKind.String && _clients.Contains(client.GetString()!);
        }
        else
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.WrongTokenUse, "token_use is missing or not accepted");
        }

        if (!audienceOk)
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.WrongAudience, "the token was not issued to an accepted app client");
        }

        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (!payload.TryGetProperty("exp", out JsonElement exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out long expSeconds))
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Expired, "the token has no integer exp");
        }

        if (now >= expSeconds + _skewSeconds)
        {
            return CognitoTokenValidation.Refuse(CognitoTokenError.Expired, "the token has expired");
        }

        foreach (string name in new[] { "nbf", "iat" })
        {
            if (!payload.TryGetProperty(name, out JsonElement value))
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long seconds))
            {
                return CognitoTokenValidation.Refuse(CognitoTokenError.Malformed, name + " is not an integer NumericDate");
            }

            if (now < seconds - _skewSeconds)
            {
                return CognitoTokenValidation.Refuse(CognitoTokenError.NotYetValid, "the token is not valid yet (" + name + ")");
            }
        }

        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in payload.EnumerateObject())
        {
            claims[property.Name] = JwtClaimText.Flatten(property.Value);
        }

        return new CognitoTokenValidation(CognitoTokenError.None, claims, expSeconds, string.Empty);
    }

    private bool AudienceMatches(JsonElement aud) => aud.ValueKind switch
    {
        JsonValueKind.String => _clients.Contains(aud.GetString()!),

        // RFC 7519 §4.1.3: aud may be an array; one accepted client among them is enough.
        JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && _clients.Contains(a.GetString()!)),
        _ => false,
    };

    private static bool VerifyRs256(RSAParameters key, string signingInput, byte[] signature)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportParameters(key);
        if (signature.Length != rsa.KeySize / 8)
        {
            return false;
        }

        try
        {
            return rsa.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool TryParseObject(string part, out JsonElement element)
    {
        element = default;
        byte[] bytes = Base64Url.DecodeFromChars(part);

        // JsonDocument leaves string contents unchecked until read; reject bad UTF-8 here, once (RFC 7519 §7.2 step 4).
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
