using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Access;

/// <summary>RS256 Cognito tokens: what passes, and every way a token is refused.</summary>
public sealed class CognitoTokenValidatorTests
{
    private static readonly long NowS = TestFixes.Now.ToUnixTimeSeconds();
    private static readonly JsonWebKeySet Keys = TestUserPool.KeySet();

    private readonly ManualClock _clock = new(TestFixes.Now);

    private CognitoTokenValidator Validator(CognitoTokenOptions? options = null) => new(options ?? TestUserPool.Options, _clock);

    private CognitoTokenValidation Validate(string? token) => Validator().Validate(token, Keys);

    [Fact]
    public void IdToken_SignedByThePool_IsValidWithFlattenedClaims()
    {
        CognitoTokenValidation result = Validate(TestUserPool.Sign(TestUserPool.IdClaims(NowS, "user-1", "operators", "renters")));

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal("user-1", result.Claims["sub"]);
        Assert.Equal("[operators renters]", result.Claims["cognito:groups"]);
        Assert.Equal(NowS + 3600, result.ExpiresAtSeconds);
        Assert.True(IdentityClaims.TryRead(result.Claims, out Identity? identity, out _));
        Assert.Equal(Role.Operator | Role.Renter, identity!.Roles);
    }

    [Fact]
    public void AccessToken_WithOurClientId_IsValid()
    {
        Assert.True(Validate(TestUserPool.Sign(TestUserPool.AccessClaims(NowS))).IsValid);
    }

    [Fact]
    public void Token_WithBearerPrefix_IsValid()
    {
        Assert.True(Validate("Bearer " + TestUserPool.Sign(TestUserPool.IdClaims(NowS))).IsValid);
    }

    [Fact]
    public void IdToken_WithAudienceArrayHoldingOurClient_IsValid()
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims["aud"] = new JsonArray("someone-else", TestUserPool.ClientId);

        Assert.True(Validate(TestUserPool.Sign(claims)).IsValid);
    }

    [Fact]
    public void Token_AtItsExpiry_IsExpired()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS));
        _clock.Now = TestFixes.Now.AddSeconds(3599);
        Assert.True(Validate(token).IsValid);

        _clock.Now = TestFixes.Now.AddSeconds(3600);
        Assert.Equal(CognitoTokenError.Expired, Validate(token).Error);
    }

    [Fact]
    public void Token_WithSkew_IsAcceptedJustPastExpiry()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS));
        _clock.Now = TestFixes.Now.AddSeconds(3630);

        Assert.True(Validator(TestUserPool.Options with { ClockSkew = TimeSpan.FromMinutes(1) }).Validate(token, Keys).IsValid);
        Assert.Equal(CognitoTokenError.Expired, Validate(token).Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"1750000000\"")]
    [InlineData("1750000000.5")]
    public void Token_WithoutAnIntegerExp_IsExpired(string? exp)
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims["exp"] = exp is null ? null : JsonNode.Parse(exp);
        if (exp is null)
        {
            claims.Remove("exp");
        }

        Assert.Equal(CognitoTokenError.Expired, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Theory]
    [InlineData("nbf")]
    [InlineData("iat")]
    public void Token_FromTheFuture_IsNotYetValid(string claim)
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims[claim] = NowS + 60;

        Assert.Equal(CognitoTokenError.NotYetValid, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Fact]
    public void Token_FromAnotherIssuer_IsRefused()
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool";

        Assert.Equal(CognitoTokenError.WrongIssuer, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Fact]
    public void IdToken_ForAnotherClient_IsRefused()
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims["aud"] = TestUserPool.OtherClientId;

        Assert.Equal(CognitoTokenError.WrongAudience, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Fact]
    public void AccessToken_ForAnotherClient_IsRefused()
    {
        JsonObject claims = TestUserPool.AccessClaims(NowS);
        claims["client_id"] = TestUserPool.OtherClientId;

        Assert.Equal(CognitoTokenError.WrongAudience, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Fact]
    public void AccessToken_WhenOnlyIdTokensAreAccepted_IsRefused()
    {
        CognitoTokenValidator validator = Validator(TestUserPool.Options with { AcceptAccessTokens = false });

        Assert.Equal(CognitoTokenError.WrongTokenUse, validator.Validate(TestUserPool.Sign(TestUserPool.AccessClaims(NowS)), Keys).Error);
    }

    [Theory]
    [InlineData("refresh")]
    [InlineData("")]
    [InlineData(null)]
    public void Token_WithOtherTokenUse_IsRefused(string? use)
    {
        JsonObject claims = TestUserPool.IdClaims(NowS);
        claims["token_use"] = use;

        Assert.Equal(CognitoTokenError.WrongTokenUse, Validate(TestUserPool.Sign(claims)).Error);
    }

    [Fact]
    public void Token_SignedByAnotherKeyUnderThePoolsKid_HasABadSignature()
    {
        Assert.Equal(CognitoTokenError.BadSignature, Validate(TestUserPool.Sign(TestUserPool.IdClaims(NowS), TestUserPool.OtherKey)).Error);
    }

    [Fact]
    public void Token_WithPayloadSwappedAfterSigning_HasABadSignature()
    {
        string[] parts = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "renter-1", "renters")).Split('.');
        parts[1] = TestUserPool.Part(TestUserPool.IdClaims(NowS, "renter-1", "operators"));

        Assert.Equal(CognitoTokenError.BadSignature, Validate(string.Join('.', parts)).Error);
    }

    [Fact]
    public void Token_WithATruncatedSignature_HasABadSignature()
    {
        string[] parts = TestUserPool.Sign(TestUserPool.IdClaims(NowS)).Split('.');
        parts[2] = Base64Url.EncodeToString(Base64Url.DecodeFromChars(parts[2])[..^8]);

        Assert.Equal(CognitoTokenError.BadSignature, Validate(string.Join('.', parts)).Error);
    }

    [Fact]
    public void Token_WithAnUnknownKid_IsUnknownKey()
    {
        Assert.Equal(CognitoTokenError.UnknownKey, Validate(TestUserPool.Sign(TestUserPool.IdClaims(NowS), kid: "rotated-key")).Error);
    }

    [Fact]
    public void Token_WithoutKid_IsMalformed()
    {
        Assert.Equal(CognitoTokenError.Malformed, Validate(TestUserPool.Sign(TestUserPool.IdClaims(NowS), kid: null)).Error);
    }

    [Fact]
    public void Token_WithACriticalHeader_IsMalformed()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS), extraHeader: new JsonObject { ["crit"] = new JsonArray("exp") });

        Assert.Equal(CognitoTokenError.Malformed, Validate(token).Error);
    }

    [Theory]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("rs256")]
    public void Token_WithAnotherAlgorithm_IsRefused(string alg)
    {
        Assert.Equal(CognitoTokenError.UnsupportedAlgorithm, Validate(TestUserPool.Sign(TestUserPool.IdClaims(NowS), alg: alg)).Error);
    }

    [Fact]
    public void Token_WithAlgNone_IsRefusedWithOrWithoutASignature()
    {
        string unsigned = TestUserPool.Part(new JsonObject { ["alg"] = "none", ["kid"] = TestUserPool.KeyId }) + "." + TestUserPool.Part(TestUserPool.IdClaims(NowS, "x", "operators"));

        Assert.Equal(CognitoTokenError.Malformed, Validate(unsigned + ".").Error);
        Assert.Equal(CognitoTokenError.UnsupportedAlgorithm, Validate(unsigned + ".AAAA").Error);
    }

    [Fact]
    public void Token_HmacSignedWithThePublicKey_IsRefused()
    {
        // The key-confusion attack: HS256 keyed with the pool's public key, which anyone can read.
        byte[] publicKey = TestUserPool.Key.ExportSubjectPublicKeyInfo();
        string input = TestUserPool.Part(new JsonObject { ["alg"] = "HS256", ["kid"] = TestUserPool.KeyId }) + "." + TestUserPool.Part(TestUserPool.IdClaims(NowS, "x", "operators"));
        string forged = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(input)));

        Assert.Equal(CognitoTokenError.UnsupportedAlgorithm, Validate(forged).Error);
    }

    [Theory]
    [InlineData(null, CognitoTokenError.Missing)]
    [InlineData("", CognitoTokenError.Missing)]
    [InlineData("   ", CognitoTokenError.Missing)]
    [InlineData("abc", CognitoTokenError.Malformed)]
    [InlineData("a.b", CognitoTokenError.Malformed)]
    [InlineData("a.b.c.d", CognitoTokenError.Malformed)]
    [InlineData("e30.e30.", CognitoTokenError.Malformed)]
    [InlineData("e30.W10.AAAA", CognitoTokenError.Malformed)]
    [InlineData("bm90IGpzb24.e30.AAAA", CognitoTokenError.Malformed)]
    [InlineData("e30.e30.AA$A", CognitoTokenError.Malformed)]
    [InlineData("e30.e30.AAAA", CognitoTokenError.UnsupportedAlgorithm)]
    public void Token_Malformed_IsRefusedWithTheReason(string? token, CognitoTokenError expected)
    {
        CognitoTokenValidation result = Validate(token);

        Assert.Equal(expected, result.Error);
        Assert.Empty(result.Claims);
        Assert.NotEmpty(result.Detail);
    }

    [Fact]
    public void Token_WhosePayloadIsNotUtf8_IsMalformed()
    {
        byte[] payload = [.. "{\"sub\":\""u8, 0xFF, .. "\"}"u8];
        string input = TestUserPool.Part(new JsonObject { ["alg"] = "RS256", ["kid"] = TestUserPool.KeyId }) + "." + Base64Url.EncodeToString(payload);

        Assert.Equal(CognitoTokenError.Malformed, Validate(input + ".AAAA").Error);
    }

    [Property(MaxTest = 500)]
    public Property RandomText_NeverThrowsAndNeverValidates() =>
        Prop.ForAll(
            Gen.Elements("e30", "eyJhbGciOiJSUzI1NiJ9", ".", "..", "A", "-_", "=", "\0", "é", " ", "Bearer ").ListOf().Select(p => string.Concat(p)).ToArbitrary(),
            text => !Validate(text).IsValid);

    [Property(MaxTest = 300)]
    public Property ValidToken_WithOneCharacterChanged_NeverValidates() =>
        Prop.ForAll(
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            seed =>
            {
                string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "renter-7", "renters"));
                var rng = new Random(seed);

                // Not the last character of a part: its low bits may be base64 padding that decodes the same.
                int at;
                do
                {
                    at = rng.Next(token.Length);
                }
                while (token[at] == '.' || at == token.Length - 1 || token[at + 1] == '.');

                const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!.";
                char replacement;
                do
                {
                    replacement = Alphabet[rng.Next(Alphabet.Length)];
                }
                while (replacement == token[at]);

                string mutated = token[..at] + replacement + token[(at + 1)..];
                return !Validate(mutated).IsValid;
            });

    [Fact]
    public void Options_PlainHttpIssuer_IsAcceptedOnlyOnLoopback()
    {
        _ = new CognitoTokenValidator(TestUserPool.Options with { Issuer = "http://127.0.0.1:4000" }, _clock);
        _ = new CognitoTokenValidator(TestUserPool.Options with { Issuer = "http://localhost:4000/pool" }, _clock);
        _ = new CognitoTokenValidator(TestUserPool.Options with { Issuer = "http://[::1]:4000" }, _clock);
        foreach (string issuer in new[] { "http://10.0.0.1", "http://cognito-idp.us-east-1.amazonaws.com/x", "http://127.0.0.1.example.com", "ftp://127.0.0.1" })
        {
            Assert.Throws<ArgumentException>(() => new CognitoTokenValidator(TestUserPool.Options with { Issuer = issuer }, _clock));
        }
    }

    [Fact]
    public void Options_WithoutIssuerOrClients_FailFastNamingTheOption()
    {
        Assert.Contains("Issuer", Assert.Throws<ArgumentException>(() => new CognitoTokenValidator(TestUserPool.Options with { Issuer = "http://insecure" }, _clock)).Message, StringComparison.Ordinal);
        Assert.Contains("ClientIds", Assert.Throws<ArgumentException>(() => new CognitoTokenValidator(TestUserPool.Options with { ClientIds = [] }, _clock)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CognitoTokenValidator(TestUserPool.Options with { AcceptAccessTokens = false, AcceptIdTokens = false }, _clock));
        Assert.Equal(new Uri(TestUserPool.Issuer + "/.well-known/jwks.json"), TestUserPool.Options.JwksUri);
    }
}
