using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// A small HS256 JWT issuer and validator (RFC 7519, RFC 7515 compact form, RFC 7518 §3.2) for the
/// local stack and tests, where there is no Cognito and no API Gateway authorizer. In AWS the
/// authorizer validates tokens and the handlers only see claims. Checks the signature (constant
/// time), <c>alg</c>, <c>iss</c>, <c>exp</c> (required) and <c>nbf</c>.
/// </summary>
public sealed class DevTokens
{
    /// <summary>Shortest key accepted: 256 bits, the HMAC-SHA-256 output size (RFC 7518 §3.2).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The issuer written when none is given.</summary>
    public const string DefaultIssuer = "tracker-local";

    private readonly byte[] _key;
    private readonly TimeProvider _clock;
    private readonly string _issuer;
    private readonly long _skewSeconds;

    /// <summary>Creates an issuer and validator.</summary>
    /// <param name="key">The HMAC key, at least <see cref="MinKeyBytes"/> bytes.</param>
    /// <param name="clock">The clock for <c>iat</c>, <c>exp</c> and <c>nbf</c>.</param>
    /// <param name="issuer">The <c>iss</c> written and required.</param>
    /// <param name="clockSkew">Leeway on <c>exp</c> and <c>nbf</c> (default none).</param>
    /// <exception cref="ArgumentException">The key is too short or the issuer empty.</exception>
    public DevTokens(byte[] key, TimeProvider clock, string issuer = DefaultIssuer, TimeSpan clockSkew = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException("the token key must be at least " + MinKeyBytes + " bytes (RFC 7518 §3.2)", nameof(key));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        _key = (byte[])key.Clone();
        _clock = clock;
        _issuer = issuer;
        _skewSeconds = (long)clockSkew.TotalSeconds;
    }

    /// <summary>Issues a signed token.</summary>
    /// <param name="subject">The user id (<c>sub</c>).</param>
    /// <param name="roles">The roles (<c>roles</c>, an array of names).</param>
    /// <param name="lifetime">From now to <c>exp</c>; positive.</param>
    /// <param name="notBefore">The <c>nbf</c>, or null for none.</param>
    /// <returns>The compact JWS.</returns>
    public string Issue(string subject, Role roles, TimeSpan lifetime, DateTimeOffset? notBefore = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        List<string> names = [];
        if (roles.HasFlag(Role.Operator))
        {
            names.Add(IdentityClaims.OperatorName);
        }

        if (roles.HasFlag(Role.Renter))
        {
            names.Add(IdentityClaims.RenterName);
        }

        Dictionary<string, object> payload = new(StringComparer.Ordinal)
        {
            ["iss"] = _issuer,
            ["sub"] = subject,
            [IdentityClaims.RolesClaim] = names,
            ["iat"] = now,
            ["exp"] = now + (long)Math.Ceiling(lifetime.TotalSeconds),
        };
        if (notBefore is { } nbf)
        {
            payload["nbf"] = nbf.ToUnixTimeSeconds();
        }

        string header = Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);
        string body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        string signingInput = header + "." + body;
        return signingInput + "." + Base64Url.EncodeToString(Sign(signingInput));
    }

    /// <summary>Validates a token. Never throws on the token's content.</summary>
    /// <param name="token">The compact JWS, with or without a <c>Bearer </c> prefix.</param>
    /// <returns>The claims, or why the token was refused.</returns>
    public TokenValidation Validate(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Fail(TokenError.Missing, "no token");
        }

        token = token.Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3 || !Base64Url.IsValid(parts[0]) || !Base64Url.IsValid(parts[1]) || !Base64Url.IsValid(parts[2]))
        {
            return Fail(TokenError.Malformed, "not a compact JWS of three base64url parts");
        }

        byte[] headerBytes = Base64Url.DecodeFromChars(parts[0]);
        byte[] payloadBytes = Base64Url.DecodeFromChars(parts[1]);

        // System.Text.Json accepts invalid UTF-8 inside strings and throws only when the string is read (RFC 7519 §7.2: UTF-8).
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes) || !System.Text.Unicode.Utf8.IsValid(payloadBytes))
        {
            return Fail(TokenError.Malformed, "header or payload is not UTF-8");
        }

        JsonElement header;
        JsonElement payload;
        try
        {
            header = JsonSerializer.Deserialize<JsonElement>(headerBytes);
            payload = JsonSerializer.Deserialize<JsonElement>(payloadBytes);
        }
        catch (JsonException)
        {
            return Fail(TokenError.Malformed, "header or payload is not JSON");
        }

        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
        {
            return Fail(TokenError.Malformed, "header or payload is not a JSON object");
        }

        if (!header.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
        {
            return Fail(TokenError.UnsupportedAlgorithm, "only HS256 is accepted");
        }

        byte[] expected = Sign(parts[0] + "." + parts[1]);
        byte[] actual = Base64Url.DecodeFromChars(parts[2]);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return Fail(TokenError.BadSignature, "signature does not match");
        }

        if (!payload.TryGetProperty("iss", out JsonElement iss) || iss.ValueKind != JsonValueKind.String || iss.GetString() != _issuer)
        {
            return Fail(TokenError.WrongIssuer, "issuer is not " + _issuer);
        }

        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (!payload.TryGetProperty("exp", out JsonElement exp) || !exp.TryGetInt64(out long expSeconds) || now >= expSeconds + _skewSeconds)
        {
            return Fail(TokenError.Expired, "token expired or has no exp");
        }

        if (payload.TryGetProperty("nbf", out JsonElement nbf))
        {
            if (!nbf.TryGetInt64(out long nbfSeconds))
            {
                return Fail(TokenError.Malformed, "nbf is not a NumericDate");
            }

            if (now < nbfSeconds - _skewSeconds)
            {
                return Fail(TokenError.NotYetValid, "token not valid yet");
            }
        }

        Dictionary<string, string> claims = new(StringComparer.Ordinal);
        foreach (JsonProperty property in payload.EnumerateObject())
        {
            claims[property.Name] = Flatten(property.Value);
        }

        return new TokenValidation(TokenError.None, claims, string.Empty);
    }

    // API Gateway's JWT authorizer passes arrays as "[a b]" and other values as their text.
    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => "[" + string.Join(' ', value.EnumerateArray().Select(Flatten)) + "]",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };

    private static TokenValidation Fail(TokenError error, string detail) =>
        new(error, new Dictionary<string, string>(StringComparer.Ordinal), detail);

    private byte[] Sign(string signingInput) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
}
