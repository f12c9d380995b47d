using System.Buffers.Text;
using System.Text;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Local.Security;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>
/// The local host's own HS256 tokens (moved here from Tracker.Cloud.Core with <see cref="DevTokens"/>, which no Lambda
/// ships any more): forged, expired, alg=none and garbage tokens are refused with a reason, never an exception.
/// </summary>
public sealed class DevTokensTests
{
    private const string Renter = "user-alice";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-32-byte-development-signing-key!!");
    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public void DevToken_RoundTrip_GivesTheIdentity()
    {
        var tokens = new DevTokens(Key, _clock);

        TokenValidation validation = tokens.Validate("Bearer " + tokens.Issue("user-olga", Role.Operator | Role.Renter, TimeSpan.FromHours(1)));

        Assert.True(validation.IsValid, validation.Detail);
        Assert.Equal("[operator renter]", validation.Claims["roles"]);
        Assert.True(IdentityClaims.TryRead(validation.Claims, out Identity? identity, out _));
        Assert.Equal(new Identity("user-olga", Role.Operator | Role.Renter), identity);
    }

    [Fact]
    public void ForgedToken_WithATamperedPayload_IsRejected()
    {
        var tokens = new DevTokens(Key, _clock);
        string[] parts = tokens.Issue(Renter, Role.Renter, TimeSpan.FromHours(1)).Split('.');
        string payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"renter\"", "\"operator\"", StringComparison.Ordinal);
        string forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        Assert.Equal(TokenError.BadSignature, tokens.Validate(forged).Error);
    }

    [Fact]
    public void ForgedToken_SignedWithAnotherKey_IsRejected()
    {
        var mine = new DevTokens(Key, _clock);
        var theirs = new DevTokens(Encoding.UTF8.GetBytes("another-32-byte-key-not-the-real-one"), _clock);

        TokenValidation validation = mine.Validate(theirs.Issue("user-olga", Role.Operator, TimeSpan.FromHours(1)));

        Assert.Equal(TokenError.BadSignature, validation.Error);
        Assert.Empty(validation.Claims);
    }

    [Fact]
    public void ForgedToken_WithAlgNone_IsRejected()
    {
        var tokens = new DevTokens(Key, _clock);
        string[] parts = tokens.Issue("user-olga", Role.Operator, TimeSpan.FromHours(1)).Split('.');
        string none = Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8) + "." + parts[1] + ".";

        Assert.NotEqual(TokenError.None, tokens.Validate(none).Error);
    }

    [Fact]
    public void Token_WhoseHeaderIsNotUtf8_IsMalformed_NotAnException()
    {
        var tokens = new DevTokens(Key, _clock);
        byte[] header = [.. "{\"alg\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        string token = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString("{}"u8) + ".";

        Assert.Equal(TokenError.Malformed, tokens.Validate(token).Error);
    }

    [Property(MaxTest = 500)]
    public void AnyBytesAsATokensParts_NeverThrow(byte[] header, byte[] payload, byte[] signature)
    {
        var tokens = new DevTokens(Key, _clock);
        string token = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);

        Assert.NotEqual(TokenError.None, tokens.Validate(token).Error);
    }

    [Fact]
    public void ExpiredToken_IsRejected()
    {
        var tokens = new DevTokens(Key, _clock);
        string token = tokens.Issue(Renter, Role.Renter, TimeSpan.FromMinutes(10));
        _clock.SetUtcNow(Now.AddMinutes(10));

        Assert.Equal(TokenError.Expired, tokens.Validate(token).Error);
    }

    [Fact]
    public void TokenBeforeNotBefore_IsRejected()
    {
        var tokens = new DevTokens(Key, _clock);

        Assert.Equal(TokenError.NotYetValid, tokens.Validate(tokens.Issue(Renter, Role.Renter, TimeSpan.FromHours(2), Now.AddHours(1))).Error);
    }

    [Theory]
    [InlineData(null, TokenError.Missing)]
    [InlineData("", TokenError.Missing)]
    [InlineData("not-a-token", TokenError.Malformed)]
    [InlineData("a.b", TokenError.Malformed)]
    [InlineData("e30.e30.e30", TokenError.UnsupportedAlgorithm)]
    [InlineData("!!.??.**", TokenError.Malformed)]
    public void GarbageToken_IsRejectedWithAReason(string? token, TokenError expected)
    {
        Assert.Equal(expected, new DevTokens(Key, _clock).Validate(token).Error);
    }

    [Fact]
    public void TokenFromAnotherIssuer_IsRejected()
    {
        var other = new DevTokens(Key, _clock, issuer: "someone-else");

        Assert.Equal(TokenError.WrongIssuer, new DevTokens(Key, _clock).Validate(other.Issue(Renter, Role.Renter, TimeSpan.FromHours(1))).Error);
    }

    [Fact]
    public void DevTokens_ShortKey_FailsFast()
    {
        Assert.Throws<ArgumentException>(() => new DevTokens(new byte[16], _clock));
    }
}
