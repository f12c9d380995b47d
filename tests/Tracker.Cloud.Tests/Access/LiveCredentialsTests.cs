using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Tests.Access;

/// <summary>Where a live connection's authorizer name and token are read from (AWS IoT custom authentication's forms).</summary>
public sealed class LiveCredentialsTests
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    [Fact]
    public void UpgradeQuery_TheBrowsersForm_GivesNameAndToken()
    {
        LiveCredentials c = LiveCredentials.Read(null, "?x-amz-customauthorizer-name=tracker-dev-live&token=" + Jwt, null, null);

        Assert.Equal("tracker-dev-live", c.AuthorizerName);
        Assert.Equal(Jwt, c.Token);
        Assert.Equal(LiveCredentialSource.UpgradeQuery, c.Source);
        Assert.True(c.HasToken);
    }

    [Fact]
    public void UserNameQuery_AndPassword_AreReadForNonBrowserClients()
    {
        LiveCredentials byName = LiveCredentials.Read(null, null, "tool?x-amz-customauthorizer-name=a%2Db&token=" + Jwt, null);
        Assert.Equal(("a-b", Jwt, LiveCredentialSource.UserNameQuery), (byName.AuthorizerName, byName.Token, byName.Source));

        LiveCredentials byPassword = LiveCredentials.Read(null, "", "tool?x-amz-customauthorizer-name=n", Jwt);
        Assert.Equal(("n", Jwt, LiveCredentialSource.Password), (byPassword.AuthorizerName, byPassword.Token, byPassword.Source));
    }

    [Fact]
    public void Forms_AreTriedInOrder_ExtractedThenUpgradeThenUserNameThenPassword()
    {
        Assert.Equal(LiveCredentialSource.Extracted, LiveCredentials.Read("e", "token=u", "x?token=n", "p").Source);
        Assert.Equal("u", LiveCredentials.Read(null, "token=u", "x?token=n", "p").Token);
        Assert.Equal("n", LiveCredentials.Read(null, "other=1", "x?token=n", "p").Token);
        Assert.Equal("p", LiveCredentials.Read(null, null, "plain-user", "p").Token);
    }

    [Fact]
    public void NoToken_IsNoTokenNotAnError()
    {
        LiveCredentials c = LiveCredentials.Read(null, "?x-amz-customauthorizer-name=n&token=", "user", "");

        Assert.False(c.HasToken);
        Assert.Equal(LiveCredentialSource.None, c.Source);
        Assert.Equal(string.Empty, c.Problem);
        Assert.Equal("n", c.AuthorizerName);
    }

    [Theory]
    [InlineData("token=a&token=b")]
    [InlineData("x-amz-customauthorizer-name=a&x-amz-customauthorizer-name=b&token=t")]
    public void RepeatedParameter_IsRefusedRatherThanGuessed(string query)
    {
        LiveCredentials c = LiveCredentials.Read(null, query, null, "password");

        Assert.False(c.HasToken);
        Assert.Contains("more than once", c.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedQuery_IsRefused()
    {
        LiveCredentials c = LiveCredentials.Read(null, "token=" + new string('a', LiveCredentials.MaxQueryLength), null, null);

        Assert.False(c.HasToken);
        Assert.Contains("longer than", c.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%zz", "%zz")]
    [InlineData("a+b", "a b")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("%E2%82%AC", "\u20ac")]
    public void Escapes_AreDecoded_AndBadOnesKept(string raw, string expected)
    {
        Assert.Equal(expected, LiveCredentials.Read(null, "token=" + raw, null, null).Token);
    }

    [Fact]
    public void RandomInput_NeverThrows()
    {
        var random = new Random(12);
        const string Alphabet = "?&=%+tokenx-amz-customauthorizer-name\u00e9\u0000\ud800 /#";
        for (int i = 0; i < 20_000; i++)
        {
            string Next() => new(Enumerable.Range(0, random.Next(0, 60)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            LiveCredentials c = LiveCredentials.Read(random.Next(4) == 0 ? Next() : null, Next(), Next(), Next());
            Assert.True(c.HasToken || c.Token is null || c.Problem.Length > 0 || c.Token.Length == 0);
        }
    }
}
