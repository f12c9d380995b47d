using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Access;

/// <summary>Issue 15, F4 on AWS: a browser's client id carries its user, so a renter cannot take an operator's.</summary>
public sealed class LiveClientIdsTests
{
    private static readonly long NowS = TestFixes.Now.ToUnixTimeSeconds();
    private readonly ManualClock _clock = new(TestFixes.Now);
    private readonly InMemoryRentalStore _rentals = new();

    private LiveAuthorizer Authorizer() => new(
        new CognitoTokenValidator(TestUserPool.Options, _clock),
        new TestUserPool.KeySource(TestUserPool.KeySet()),
        _rentals,
        new LiveAuthorizerOptions { IotResourcePrefix = TestUserPool.IotPrefix },
        _clock);

    private static string Token(string subject, string group) => TestUserPool.Sign(TestUserPool.IdClaims(NowS, subject, group));

    [Theory]
    [InlineData("4c8e2a1f-renter-0001", "e2544cf48a07f0a2c9171086f22abcac")] // the same values as the web app's liveclientid.test.js
    [InlineData("opérateur-ü", "8b49a223a9ccff9a06d622ac50420247")]
    public void OwnerTag_IsTheFirst32HexOfSha256OfTheSubject_AsTheWebApp(string subject, string tag)
    {
        Assert.Equal(tag, LiveClientIds.OwnerTag(subject));
        Assert.Equal("web-" + tag + "-", LiveClientIds.PrefixOf(subject));
    }

    [Fact]
    public async Task Renter_ReusingAnOperatorsClientId_IsRefused()
    {
        await _rentals.PutAsync(new Rental("car-0001", "renter-0001", TestFixes.NowMs - 3_600_000, TestFixes.NowMs + 3_600_000), default);
        string operatorsClientId = LiveClientIds.PrefixOf("op-1") + "8000000080000000";
        Assert.True((await Authorizer().AuthorizeAsync(operatorsClientId, Token("op-1", "operators"), default)).IsAuthenticated);

        LiveAuthorization stolen = await Authorizer().AuthorizeAsync(operatorsClientId, Token("renter-0001", "renters"), default);

        Assert.False(stolen.IsAuthenticated);
        Assert.Equal(LiveDenial.ForeignClientId, stolen.Denial);
        Assert.Empty(stolen.PolicyDocuments);
        Assert.True((await Authorizer().AuthorizeAsync(LiveClientIds.PrefixOf("renter-0001") + "1", Token("renter-0001", "renters"), default)).IsAuthenticated);
    }

    [Theory]
    [InlineData("web-3f9a1c")] // the old random form: no owner tag
    [InlineData("web-{tag}")] // no '-' nor random part
    [InlineData("web-{tag}-")] // nothing after the tag
    [InlineData("web-{TAG}-1")] // the tag in capitals
    [InlineData("web-1{tag}-1")]
    public async Task Operator_WithoutTheirOwnTagFirst_IsRefused(string template)
    {
        string tag = LiveClientIds.OwnerTag("op-1");
        string clientId = template.Replace("{tag}", tag, StringComparison.Ordinal).Replace("{TAG}", tag.ToUpperInvariant(), StringComparison.Ordinal);

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(clientId, Token("op-1", "operators"), default);

        Assert.False(grant.IsAuthenticated);
        Assert.Contains(grant.Denial, new[] { LiveDenial.ForeignClientId, LiveDenial.BadClientId });
    }

    [Fact]
    public void IsOwnedBy_GarbageClientIds_AreNotOwned()
    {
        var random = new Random(15);
        for (int i = 0; i < 2000; i++)
        {
            char[] chars = new char[random.Next(0, 140)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0x20, 0x7f);
            }

            Assert.False(LiveClientIds.IsOwnedBy(new string(chars), "op-1"));
            Assert.False(LiveClientIds.IsOwnedBy(LiveClientIds.PrefixOf("op-2") + new string(chars).Replace('/', '_'), "op-1"));
        }
    }
}
