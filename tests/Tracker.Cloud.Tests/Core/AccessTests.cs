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
