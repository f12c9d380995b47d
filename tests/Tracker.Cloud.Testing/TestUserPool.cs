using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Testing;

/// <summary>
/// A stand-in Cognito user pool: a 2048-bit RSA signing key published as a JWKS, and tokens shaped like
/// Cognito's (RS256, kid, iss, token_use, aud or client_id, cognito:groups, exp, iat) signed with it.
/// The values are made up; the shapes follow the Cognito developer guide's "Understanding user pool JSON web tokens".
/// </summary>
public static class TestUserPool
{
    public const string Issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1";
    public const string ClientId = "3n4b5urk1ft4fl3mg5e62d9ado";
    public const string OtherClientId = "7aaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string KeyId = "test-key-1";
    public const string IotPrefix = "arn:aws:iot:us-east-1:123456789012";

    /// <summary>The pool's key (RSA key generation is slow: once per test run).</summary>
    public static readonly RSA Key = CreateKey();

    /// <summary>Another key, as an attacker or another pool would have.</summary>
    public static readonly RSA OtherKey = CreateKey();

    public static CognitoTokenOptions Options => new() { Issuer = Issuer, ClientIds = [ClientId] };

    public static string Jwks(params (string Kid, RSA Key)[] keys)
    {
        var array = new JsonArray();
        foreach ((string kid, RSA key) in keys.Length == 0 ? [(KeyId, Key)] : keys)
        {
            RSAParameters p = key.ExportParameters(false);
            array.Add(new JsonObject
            {
                ["alg"] = "RS256",
                ["e"] = Base64Url.EncodeToString(p.Exponent),
                ["kid"] = kid,
                ["kty"] = "RSA",
                ["n"] = Base64Url.EncodeToString(p.Modulus),
                ["use"] = "sig",
            });
        }

        return new JsonObject { ["keys"] = array }.ToJsonString();
    }

    public static JsonWebKeySet KeySet(params (string Kid, RSA Key)[] keys)
    {
        Assert.True(JsonWebKeySet.TryParse(Encoding.UTF8.GetBytes(Jwks(keys)), out JsonWebKeySet? set, out string error), error);
        return set!;
    }

    /// <summary>The claims of an ID token valid from <paramref name="nowSeconds"/> for an hour.</summary>
    public static JsonObject IdClaims(long nowSeconds, string sub = "4c8e2a1f-0000-4000-8000-000000000001", params string[] groups)
    {
        var claims = new JsonObject
        {
            ["sub"] = sub,
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["token_use"] = "id",
            ["auth_time"] = nowSeconds,
            ["iat"] = nowSeconds,
            ["exp"] = nowSeconds + 3600,
            ["email"] = "someone@example.com",
        };
        if (groups.Length > 0)
        {
            claims["cognito:groups"] = new JsonArray(groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray());
        }

        return claims;
    }

    /// <summary>The claims of an access token valid from <paramref name="nowSeconds"/> for an hour.</summary>
    public static JsonObject AccessClaims(long nowSeconds, string sub = "4c8e2a1f-0000-4000-8000-000000000001", params string[] groups)
    {
        JsonObject claims = IdClaims(nowSeconds, sub, groups);
        claims.Remove("aud");
        claims.Remove("email");
        claims["token_use"] = "access";
        claims["client_id"] = ClientId;
        claims["scope"] = "aws.cognito.signin.user.admin";
        return claims;
    }

    public static string Sign(JsonObject claims, RSA? key = null, string alg = "RS256", string? kid = KeyId, JsonObject? extraHeader = null)
    {
        var header = new JsonObject { ["alg"] = alg };
        if (kid is not null)
        {
            header["kid"] = kid;
        }

        foreach (KeyValuePair<string, JsonNode?> pair in extraHeader ?? [])
        {
            header[pair.Key] = pair.Value?.DeepClone();
        }

        string input = Part(header) + "." + Part(claims);
        byte[] signature = (key ?? Key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public static string Part(JsonNode node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));

    /// <summary>A static key source that counts how often it was asked, and can hand a new set on refresh.</summary>
    public sealed class KeySource(JsonWebKeySet keys, JsonWebKeySet? afterRefresh = null) : ISigningKeySource
    {
        public int Refreshes { get; private set; }

        public ValueTask<JsonWebKeySet> GetKeysAsync(bool refresh, CancellationToken cancellationToken)
        {
            if (refresh)
            {
                Refreshes++;
                return ValueTask.FromResult(afterRefresh ?? keys);
            }

            return ValueTask.FromResult(keys);
        }
    }

    private static RSA CreateKey() => RSA.Create(2048);
}
