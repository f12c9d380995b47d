using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Access;

/// <summary>The browsers' live connection: who may connect, to which topics, for how long.</summary>
public sealed class LiveAuthorizerTests
{
    private const string Renter = "renter-0001";
    private const string RentedCar = "car-0001";
    private const string OtherCar = "car-0002";
    private static readonly string OperatorClient = LiveClientIds.PrefixOf("op-1") + "3f9a1c";
    private static readonly string RenterClient = LiveClientIds.PrefixOf(Renter) + "3f9a1c";
    private static readonly long NowS = TestFixes.Now.ToUnixTimeSeconds();
    private static readonly long NowMs = TestFixes.NowMs;
    private static readonly long Hour = 3_600_000;

    private readonly ManualClock _clock = new(TestFixes.Now);
    private readonly InMemoryRentalStore _rentals = new();
    private readonly TestUserPool.KeySource _keys = new(TestUserPool.KeySet());

    private LiveAuthorizer Authorizer(ISigningKeySource? keys = null) => new(
        new CognitoTokenValidator(TestUserPool.Options, _clock),
        keys ?? _keys,
        _rentals,
        new LiveAuthorizerOptions { IotResourcePrefix = TestUserPool.IotPrefix },
        _clock);

    private static string OperatorToken(long lifetimeS = 3600)
    {
        JsonObject claims = TestUserPool.IdClaims(NowS, "op-1", "operators");
        claims["exp"] = NowS + lifetimeS;
        return TestUserPool.Sign(claims);
    }

    private static string RenterToken(long lifetimeS = 3600)
    {
        JsonObject claims = TestUserPool.IdClaims(NowS, Renter, "renters");
        claims["exp"] = NowS + lifetimeS;
        return TestUserPool.Sign(claims);
    }

    private Task RentAsync(string car, long fromMs, long toMs, string renter = Renter) =>
        _rentals.PutAsync(new Rental(car, renter, fromMs, toMs), default);

    private static List<(string Action, List<string> Resources)> Statements(LiveAuthorization grant) =>
        grant.PolicyDocuments
            .SelectMany(d => JsonDocument.Parse(d).RootElement.GetProperty("Statement").EnumerateArray())
            .Select(s => (s.GetProperty("Action").GetString()!, s.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()!).ToList()))
            .ToList();

    private static List<string> Resources(LiveAuthorization grant, string action) =>
        Statements(grant).Where(s => s.Action == action).SelectMany(s => s.Resources).ToList();

    [Fact]
    public async Task Operator_GetsTheWholeFleetUnderTheirOwnClientId()
    {
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(OperatorClient, OperatorToken(), default);

        Assert.True(grant.IsAuthenticated, grant.Detail);
        Assert.True(grant.IsFleet);
        Assert.Equal("op1", grant.PrincipalId);
        Assert.Equal([TestUserPool.IotPrefix + ":client/" + OperatorClient], Resources(grant, "iot:Connect"));
        Assert.Equal([TestUserPool.IotPrefix + ":topicfilter/fleet/*"], Resources(grant, "iot:Subscribe"));
        Assert.Equal([TestUserPool.IotPrefix + ":topic/fleet/*"], Resources(grant, "iot:Receive"));
        Assert.Equal([TestUserPool.IotPrefix + ":topic/tracker/*/live"], Resources(grant, "iot:Publish"));
        Assert.Equal(3600, grant.DisconnectAfterSeconds);
        Assert.Equal(300, grant.RefreshAfterSeconds);
    }

    [Fact]
    public async Task EventsFeed_IsSubscribedAndReceivedByOperators_NeverByRenters()
    {
        // IoT Core matches policy resources as IAM does: '*' is any run of characters (MQTT wildcards are literal).
        static bool Allows(List<string> resources, string resource) =>
            resources.Any(r => System.Text.RegularExpressions.Regex.IsMatch(resource, "^" + System.Text.RegularExpressions.Regex.Escape(r).Replace("\\*", ".*", StringComparison.Ordinal) + "$"));
        string p = TestUserPool.IotPrefix;
        await RentAsync(RentedCar, NowMs - Hour, NowMs + Hour);

        LiveAuthorization fleet = await Authorizer().AuthorizeAsync(OperatorClient, OperatorToken(), default);
        LiveAuthorization renter = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default);

        Assert.True(Allows(Resources(fleet, "iot:Subscribe"), p + ":topicfilter/" + "fleet/+/events"));
        Assert.True(Allows(Resources(fleet, "iot:Receive"), p + ":topic/" + LiveTopics.Events(RentedCar)));
        Assert.True(renter.IsAuthenticated, renter.Detail);
        Assert.False(Allows(Resources(renter, "iot:Subscribe"), p + ":topicfilter/" + LiveTopics.Events(RentedCar)));
        Assert.False(Allows(Resources(renter, "iot:Subscribe"), p + ":topicfilter/fleet/+/events"));
        Assert.False(Allows(Resources(renter, "iot:Receive"), p + ":topic/" + LiveTopics.Events(RentedCar)));
    }

    [Fact]
    public async Task Operator_ConnectionNeverOutlivesTheToken()
    {
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(OperatorClient, OperatorToken(lifetimeS: 1000), default);

        Assert.Equal(1000, grant.DisconnectAfterSeconds);
    }

    [Fact]
    public async Task Token_ExpiringWithinIotsShortestConnection_IsRefused()
    {
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(OperatorClient, OperatorToken(lifetimeS: 299), default);

        Assert.Equal(LiveDenial.TokenExpiresTooSoon, grant.Denial);
        Assert.Empty(grant.PolicyDocuments);
    }

    [Fact]
    public async Task Renter_DuringTheRental_GetsOnlyTheirCarUntilTheRentalEnds()
    {
        await RentAsync(RentedCar, NowMs - Hour, NowMs + 1_800_000);
        await RentAsync(OtherCar, NowMs - Hour, NowMs + Hour, renter: "someone-else");

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default);

        Assert.True(grant.IsAuthenticated, grant.Detail);
        Assert.False(grant.IsFleet);
        Assert.Equal([RentedCar], grant.Cars);
        Assert.Equal(1800, grant.DisconnectAfterSeconds);
        string p = TestUserPool.IotPrefix;
        Assert.Equal([p + ":topicfilter/fleet/car-0001/fixes", p + ":topicfilter/fleet/car-0001/status"], Resources(grant, "iot:Subscribe"));
        Assert.Equal([p + ":topic/fleet/car-0001/fixes", p + ":topic/fleet/car-0001/status"], Resources(grant, "iot:Receive"));
        Assert.Equal([p + ":topic/tracker/car-0001/live"], Resources(grant, "iot:Publish"));
        Assert.DoesNotContain(grant.PolicyDocuments, d => d.Contains(OtherCar, StringComparison.Ordinal) || d.Contains('*') || d.Contains('+') || d.Contains('#'));
    }

    [Fact]
    public async Task Renter_TokenShorterThanTheRental_IsBoundByTheToken()
    {
        await RentAsync(RentedCar, NowMs - Hour, NowMs + 5 * Hour);

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(lifetimeS: 900), default);

        Assert.Equal(900, grant.DisconnectAfterSeconds);
    }

    [Theory]
    [InlineData(-3, -1)]
    [InlineData(1, 3)]
    public async Task Renter_OutsideTheRentalWindow_IsRefused(int fromHours, int toHours)
    {
        await RentAsync(RentedCar, NowMs + fromHours * Hour, NowMs + toHours * Hour);

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default);

        Assert.Equal(LiveDenial.NoRunningRental, grant.Denial);
        Assert.Empty(grant.PolicyDocuments);
    }

    [Fact]
    public async Task Renter_AtTheRentalsEnd_IsRefused()
    {
        await RentAsync(RentedCar, NowMs - Hour, NowMs);

        Assert.Equal(LiveDenial.NoRunningRental, (await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default)).Denial);
    }

    [Fact]
    public async Task Renter_WhoseRentalEndsWithinIotsShortestConnection_IsRefused()
    {
        await RentAsync(RentedCar, NowMs - Hour, NowMs + 299_999);
        Assert.Equal(LiveDenial.NoRunningRental, (await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default)).Denial);

        await RentAsync(RentedCar, NowMs - Hour, NowMs + 300_000);
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default);
        Assert.True(grant.IsAuthenticated);
        Assert.Equal(300, grant.DisconnectAfterSeconds);
    }

    [Fact]
    public async Task Renter_WithTwoRunningRentals_GetsBothUntilTheEarlierEnds()
    {
        await RentAsync(OtherCar, NowMs - Hour, NowMs + 2 * Hour);
        await RentAsync(RentedCar, NowMs - Hour, NowMs + Hour);

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(lifetimeS: 4 * 3600), default);

        Assert.Equal([RentedCar, OtherCar], grant.Cars);
        Assert.Equal(3600, grant.DisconnectAfterSeconds);
    }

    [Theory]
    [InlineData("car*")]
    [InlineData("car/0001")]
    [InlineData("car+")]
    [InlineData("#")]
    [InlineData("")]
    public async Task Rental_OfACarIdThatIsNotAThingName_NeverReachesThePolicy(string carId)
    {
        await RentAsync(carId, NowMs - Hour, NowMs + Hour);

        Assert.Equal(LiveDenial.NoRunningRental, (await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default)).Denial);
    }

    [Fact]
    public async Task Renter_WithManyRentals_GetsThemSplitOverDocumentsWithinIotsLimits()
    {
        string[] cars = Enumerable.Range(0, 30).Select(i => "car-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (string car in cars)
        {
            await RentAsync(car, NowMs - Hour, NowMs + Hour);
        }

        LiveAuthorization grant = await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default);

        Assert.True(grant.IsAuthenticated, grant.Detail);
        Assert.InRange(grant.PolicyDocuments.Count, 2, LivePolicyDocuments.MaxDocuments);
        Assert.All(grant.PolicyDocuments, d => Assert.InRange(d.Length, 1, LivePolicyDocuments.MaxDocumentChars));
        Assert.Equal(cars.Select(c => TestUserPool.IotPrefix + ":topic/tracker/" + c + "/live").Order(), Resources(grant, "iot:Publish").Order());
        Assert.Single(Resources(grant, "iot:Connect"));
    }

    [Fact]
    public async Task Renter_WithMoreRentalsThanTenDocumentsHold_IsRefused()
    {
        for (int i = 0; i < 200; i++)
        {
            await RentAsync("car-" + new string('x', 100) + i, NowMs - Hour, NowMs + Hour);
        }

        Assert.Equal(LiveDenial.PolicyTooLarge, (await Authorizer().AuthorizeAsync(RenterClient, RenterToken(), default)).Denial);
    }

    [Fact]
    public async Task Caller_WithNoRole_IsRefused()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "nobody"));

        Assert.Equal(LiveDenial.NoRole, (await Authorizer().AuthorizeAsync(LiveClientIds.PrefixOf("nobody") + "1", token, default)).Denial);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("web-")]
    [InlineData("car-0001")]
    [InlineData("web-a*b")]
    [InlineData("web-a/b")]
    [InlineData("web-a+b")]
    [InlineData("WEB-abc")]
    public async Task ClientId_NotABrowserClientId_IsRefused(string? clientId)
    {
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(clientId, OperatorToken(), default);

        Assert.Equal(LiveDenial.BadClientId, grant.Denial);
    }

    [Fact]
    public void ClientId_Of128Characters_IsTheLongestAccepted()
    {
        Assert.True(LiveAuthorizer.IsValidWebClientId("web-" + new string('a', 124)));
        Assert.False(LiveAuthorizer.IsValidWebClientId("web-" + new string('a', 125)));
    }

    [Fact]
    public async Task InvalidToken_IsRefusedWithTheTokensError()
    {
        LiveAuthorization grant = await Authorizer().AuthorizeAsync(OperatorClient, TestUserPool.Sign(TestUserPool.IdClaims(NowS, "x", "operators"), TestUserPool.OtherKey), default);

        Assert.Equal(LiveDenial.InvalidToken, grant.Denial);
        Assert.Equal(CognitoTokenError.BadSignature, grant.TokenError);
        Assert.Equal(LiveAuthorization.DeniedPrincipal, grant.PrincipalId);
    }

    [Fact]
    public async Task Token_SignedWithARotatedKey_IsAcceptedAfterOneRefresh()
    {
        var keys = new TestUserPool.KeySource(TestUserPool.KeySet(), TestUserPool.KeySet(("new-key", TestUserPool.OtherKey)));
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "op-1", "operators"), TestUserPool.OtherKey, kid: "new-key");

        LiveAuthorization grant = await Authorizer(keys).AuthorizeAsync(OperatorClient, token, default);

        Assert.True(grant.IsAuthenticated, grant.Detail);
        Assert.Equal(1, keys.Refreshes);
    }

    [Fact]
    public async Task Renter_WhenRentalsCannotBeRead_Throws()
    {
        var authorizer = new LiveAuthorizer(
            new CognitoTokenValidator(TestUserPool.Options, _clock),
            _keys,
            new FailingRentals(),
            new LiveAuthorizerOptions { IotResourcePrefix = TestUserPool.IotPrefix },
            _clock);

        await Assert.ThrowsAsync<IOException>(() => authorizer.AuthorizeAsync(RenterClient, RenterToken(), default));
    }

    [Theory]
    [InlineData("arn:aws:iot:us-east-1:123456789012:")]
    [InlineData("arn:aws:iot:us-east-1:*")]
    [InlineData("arn:aws:iot:*:*")]
    [InlineData("")]
    public void Options_WithABadResourcePrefix_FailFast(string prefix)
    {
        Assert.Throws<ArgumentException>(() => new LiveAuthorizerOptions { IotResourcePrefix = prefix }.Validate());
    }

    private sealed class FailingRentals : IRentalStore
    {
        public Task PutAsync(Rental rental, CancellationToken cancellationToken) => throw new IOException("down");

        public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) => throw new IOException("down");

        public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken) => throw new IOException("down");
    }
}
