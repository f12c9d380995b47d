using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Tests.Access;

/// <summary>Reading a user pool's JWKS: which keys are kept, and bad documents never throwing.</summary>
public sealed class JsonWebKeySetTests
{
    private static bool Parse(string json, out JsonWebKeySet? set, out string error) =>
        JsonWebKeySet.TryParse(Encoding.UTF8.GetBytes(json), out set, out error);

    [Fact]
    public void Jwks_WithTwoCognitoShapedKeys_KeepsBoth()
    {
        Assert.True(Parse(TestUserPool.Jwks(("a", TestUserPool.Key), ("b", TestUserPool.OtherKey)), out JsonWebKeySet? set, out _));

        Assert.Equal(2, set!.Count);
        Assert.True(set.TryGetKey("a", out RSAParameters a));
        Assert.Equal(TestUserPool.Key.ExportParameters(false).Modulus, a.Modulus);
    }

    [Theory]
    [InlineData("enc", "RS256")]
    [InlineData("sig", "RS512")]
    [InlineData("sig", "HS256")]
    [InlineData(null, "none")]
    public void Jwks_KeyNotForRs256Signatures_IsSkipped(string? use, string alg)
    {
        var key = (JsonObject)((JsonObject)JsonNode.Parse(TestUserPool.Jwks())!)["keys"]![0]!;
        key["use"] = use;
        key["alg"] = alg;
        string json = new JsonObject { ["keys"] = new JsonArray(key.DeepClone()) }.ToJsonString();

        Assert.False(Parse(json, out _, out string error));
        Assert.Contains("no RSA signing key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwks_KeyWithoutUseOrAlg_IsKept()
    {
        var key = (JsonObject)((JsonObject)JsonNode.Parse(TestUserPool.Jwks())!)["keys"]![0]!;
        key.Remove("use");
        key.Remove("alg");

        Assert.True(Parse(new JsonObject { ["keys"] = new JsonArray(key.DeepClone()) }.ToJsonString(), out JsonWebKeySet? set, out _));
        Assert.Equal(1, set!.Count);
    }

    [Fact]
    public void Jwks_With1024BitKey_IsRefused()
    {
        using RSA small = RSA.Create(1024);

        Assert.False(Parse(TestUserPool.Jwks(("small", small)), out _, out _));
    }

    [Fact]
    public void Jwks_EcKeysAndKeysWithoutKid_AreSkippedButRsaKeyKept()
    {
        string rsa = TestUserPool.Jwks()[9..^2];
        string json = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\",\"kid\":\"ec\"},{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}," + rsa + "]}";

        Assert.True(Parse(json, out JsonWebKeySet? set, out string error), error);
        Assert.Equal([TestUserPool.KeyId], set!.KeyIds);
    }

    [Fact]
    public void Jwks_RepeatedKid_FirstWins()
    {
        Assert.True(Parse(TestUserPool.Jwks(("same", TestUserPool.Key), ("same", TestUserPool.OtherKey)), out JsonWebKeySet? set, out _));

        Assert.True(set!.TryGetKey("same", out RSAParameters key));
        Assert.Equal(TestUserPool.Key.ExportParameters(false).Modulus, key.Modulus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"keys\":{}}")]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[1,\"x\",null]}")]
    [InlineData("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"!!\",\"e\":\"AQAB\"}]}")]
    [InlineData("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"\"}]}")]
    public void Jwks_Malformed_IsRefusedWithAReason(string json)
    {
        Assert.False(Parse(json, out JsonWebKeySet? set, out string error));
        Assert.Null(set);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Jwks_LargerThanTheLimit_IsRefused()
    {
        string json = "{\"keys\":[],\"pad\":\"" + new string('x', JsonWebKeySet.MaxDocumentBytes) + "\"}";

        Assert.False(Parse(json, out _, out string error));
        Assert.Contains("larger", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwks_TruncatedAtEveryLength_NeverThrowsAndOnlyTheWholeParses()
    {
        byte[] whole = Encoding.UTF8.GetBytes(TestUserPool.Jwks());
        for (int length = 0; length < whole.Length; length++)
        {
            Assert.False(JsonWebKeySet.TryParse(whole.AsSpan(0, length), out _, out _));
        }

        Assert.True(JsonWebKeySet.TryParse(whole, out _, out _));
    }

    [Property(MaxTest = 300)]
    public Property Jwks_RandomBytes_NeverThrow() =>
        Prop.ForAll(
            Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).ToArbitrary(),
            bytes =>
            {
                JsonWebKeySet.TryParse(bytes, out JsonWebKeySet? set, out string error);
                return set is null ? error.Length > 0 : set.Count > 0;
            });
}
