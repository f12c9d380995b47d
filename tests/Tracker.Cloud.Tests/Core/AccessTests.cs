using System.Buffers.Text;
using System.Text;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using static Tracker.Cloud.Tests.Core.TestFixes;

namespace Tracker.Cloud.Tests.Core;

/// <summary>The authorization matrix: tokens, identities, and what each caller sees.</summary>
public sealed class AccessTests
{
    private const string RentedCar = "car-0001";
    private const string OtherCar = "car-0002";
    private const string Renter = "user-alice";

    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-32-byte-development-signing-key!!");
    private static readonly long Hour = 3_600_000;

    private readonly InMemoryFixStore _fixes = new();
    private readonly InMemoryRentalStore _rentals = new();
    private readonly ManualClock _clock = new(Now);
    private readonly long _rentFrom = NowMs - 2 * Hour;
    private readonly long _rentTo = NowMs + 2 * Hour;

    private QueryService Queries => new(_fixes, new AccessPolicy(_rentals, _clock));

    private async Task SeedAsync()
    {
        await _rentals.PutAsync(new Rental(RentedCar, Renter, _rentFrom, _rentTo), default);
        var ingest = new IngestService(_fixes, new IngestOptions(), _clock);

        // One fix an hour for six hours before now, on both cars: before and during the rental.
        foreach (string car in new[] { RentedCar, OtherCar })
        {
            for (int h = 6; h >= 1; h--)
            {
                await ingest.IngestFixesAsync(car, [Good(NowMs - h * Hour)], NowMs, default);
            }
        }
    }

    private static Identity RenterId => new(Renter, Role.Renter);

    private static Identity OperatorId => new("user-olga", Role.Operator);

    private static HistoryRequest AllDay => new((NowMs - 24 * Hour).ToString(), (NowMs + Hour).ToString(), null, null);

    [Fact]
    public async Task Renter_BeforeRental_IsForbidden()
    {
        await SeedAsync();
        _clock.Now = Now.AddHours(-3);

        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetLatestAsync(RenterId, RentedCar, default)).Status);
        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetHistoryAsync(RenterId, RentedCar, AllDay, default)).Status);
    }

    [Fact]
    public async Task Renter_DuringRental_SeesTheCarAndHistoryClampedToTheWindow()
    {
        await SeedAsync();

        var latest = await Queries.GetLatestAsync(RenterId, RentedCar, default);
        var history = await Queries.GetHistoryAsync(RenterId, RentedCar, AllDay, default);

        Assert.Equal(QueryStatus.Ok, latest.Status);
        Assert.Equal(NowMs - Hour, latest.Value!.Ts);
        Assert.Equal(QueryStatus.Ok, history.Status);
        Assert.Equal([NowMs - 2 * Hour, NowMs - Hour], history.Value!.Fixes.Select(f => f.Ts));
    }

    [Fact]
    public async Task Renter_AfterRental_IsForbidden()
    {
        await SeedAsync();
        _clock.Now = Now.AddHours(2);

        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetLatestAsync(RenterId, RentedCar, default)).Status);
        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetHistoryAsync(RenterId, RentedCar, AllDay, default)).Status);
    }

    [Fact]
    public async Task Renter_AskingForAnotherCar_GetsTheSameNotFoundAsForANonexistentCar()
    {
        await SeedAsync();

        var other = await Queries.GetLatestAsync(RenterId, OtherCar, default);
        var missing = await Queries.GetLatestAsync(RenterId, "car-9999", default);
        var otherHistory = await Queries.GetHistoryAsync(RenterId, OtherCar, AllDay, default);

        Assert.Equal(QueryStatus.NotFound, other.Status);
        Assert.Equal(missing with { }, other);
        Assert.Equal(QueryStatus.NotFound, otherHistory.Status);
    }

    [Fact]
    public async Task Renter_WhoseRentalBeganAfterTheLastFix_SeesNoPosition()
    {
        await SeedAsync();
        await _rentals.PutAsync(new Rental(OtherCar, Renter, NowMs - 30 * 60_000, NowMs + Hour), default);

        Assert.Equal(QueryStatus.NotFound, (await Queries.GetLatestAsync(RenterId, OtherCar, default)).Status);
        Assert.Empty((await Queries.GetHistoryAsync(RenterId, OtherCar, AllDay, default)).Value!.Fixes);
    }

    [Fact]
    public async Task Renter_CannotListTheFleet()
    {
        await SeedAsync();

        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetFleetAsync(RenterId, default)).Status);
    }

    [Fact]
    public async Task Operator_SeesEveryCarAndAllHistory()
    {
        await SeedAsync();

        var fleet = await Queries.GetFleetAsync(OperatorId, default);
        var history = await Queries.GetHistoryAsync(OperatorId, OtherCar, AllDay, default);

        Assert.Equal([RentedCar, OtherCar], fleet.Value!.Select(f => f.CarId));
        Assert.Equal(6, history.Value!.Fixes.Count);
        Assert.Equal(QueryStatus.Ok, (await Queries.GetLatestAsync(OperatorId, OtherCar, default)).Status);
        Assert.Equal(QueryStatus.NotFound, (await Queries.GetLatestAsync(OperatorId, "car-9999", default)).Status);
    }

    [Fact]
    public async Task CallerWithNoRole_IsForbidden()
    {
        await SeedAsync();

        Assert.Equal(QueryStatus.Forbidden, (await Queries.GetLatestAsync(new Identity(Renter, Role.None), RentedCar, default)).Status);
    }

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
        _clock.Now = Now.AddMinutes(10);

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

    [Theory]
    [InlineData("[operator]", Role.Operator)]
    [InlineData("[operator renter]", Role.Operator | Role.Renter)]
    [InlineData("renter", Role.Renter)]
    [InlineData("[\"renter\",\"operators\"]", Role.Operator | Role.Renter)]
    [InlineData("[admin]", Role.None)]
    public void IdentityClaims_ParseApiGatewayFlattenedRoles(string value, Role expected)
    {
        Assert.Equal(expected, IdentityClaims.ParseRoles(value));
    }

    [Fact]
    public void IdentityClaims_WithoutSubject_IsNoIdentity()
    {
        Assert.False(IdentityClaims.TryRead(new Dictionary<string, string> { ["roles"] = "[operator]" }, out _, out string error));
        Assert.Contains("sub", error, StringComparison.Ordinal);
        Assert.False(IdentityClaims.TryRead(null, out _, out _));
    }

    [Fact]
    public void IdentityClaims_CognitoGroups_AreRoles()
    {
        Assert.True(IdentityClaims.TryRead(new Dictionary<string, string> { ["sub"] = "u1", ["cognito:groups"] = "[operators]" }, out Identity? identity, out _));
        Assert.True(identity!.IsOperator);
    }
}
