using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Tests.Lambda;

public sealed class ApiHandlerTests
{
    private const string Renter = "4c8e2a1f-renter-0001";
    private const string Operator = "9d3b7e52-operator-0001";
    private const string OtherCar = "car-0007";
    private const long DriveStartMs = 1749542400000;
    private const long Hour = 3600 * 1000;

    // The rental covers the sample drive: 07:00 to 12:00 on 2025-06-10.
    private static readonly Rental SampleRental = new(LambdaEvents.Car, Renter, DriveStartMs - Hour, DriveStartMs + (4 * Hour));

    [Fact]
    public async Task SampleLatest_RenterDuringRental_GetsTheNewestFix()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, headers, body) = await rig.ApiAsync(LambdaRig.SampleEvent("api-latest.json"));

        Assert.Equal(200, status);
        Assert.Equal("application/json", (string?)headers["content-type"]);
        Assert.Equal(DriveStartMs + 25000, (long)body["ts"]!);
        Assert.Equal(52.3812m, (decimal)body["lat"]!);
        Assert.Equal(523812000, (int)body["latE7"]!);
        Assert.Equal("2025-06-10T08:00:25.000Z", (string?)body["time"]);
    }

    [Fact]
    public async Task SampleHistory_PagesWithTheCursor_UntilTheLastPage()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, _, first) = await rig.ApiAsync(LambdaRig.SampleEvent("api-history.json"));
        Assert.Equal(200, status);
        Assert.Equal(3, first["fixes"]!.AsArray().Count);
        string cursor = (string)first["nextCursor"]!;

        var (status2, _, second) = await rig.ApiAsync(History(RenterClaims(), new() { ["start"] = "2025-06-10T08:00:00Z", ["end"] = "1749542460000", ["limit"] = "3", ["cursor"] = cursor }));
        Assert.Equal(200, status2);
        Assert.Equal([DriveStartMs + 15000, DriveStartMs + 20000, DriveStartMs + 25000], second["fixes"]!.AsArray().Select(f => (long)f!["ts"]!));
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task SampleFleet_Operator_SeesEveryCar()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, _, body) = await rig.ApiAsync(LambdaRig.SampleEvent("api-fleet.json"));

        Assert.Equal(200, status);
        Assert.Equal([OtherCar, LambdaEvents.Car], body["cars"]!.AsArray().Select(c => (string?)c!["carId"]));
    }

    [Theory]
    [InlineData(-2 * Hour, 403, "while your rental runs")]
    [InlineData(1 * Hour, 200, null)]
    [InlineData(6 * Hour, 403, "while your rental runs")]
    public async Task Renter_SeesTheirCarOnlyDuringTheRental(long offsetFromDriveMs, int expected, string? detail)
    {
        await using LambdaRig rig = await SeededAsync();
        rig.Clock.NowMs = DriveStartMs + offsetFromDriveMs;

        var (status, headers, body) = await rig.ApiAsync(Latest(LambdaEvents.Car, RenterClaims(rig.Clock.NowMs)));

        Assert.Equal(expected, status);
        if (detail is not null)
        {
            AssertProblem(headers, body, 403, detail);
        }
    }

    [Fact]
    public async Task Renter_AskingForAnotherCar_GetsNotFound_LikeACarThatDoesNotExist()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, headers, body) = await rig.ApiAsync(Latest(OtherCar, RenterClaims()));
        var (missingStatus, _, missing) = await rig.ApiAsync(Latest("car-9999", RenterClaims()));

        AssertProblem(headers, body, 404, "No such car");
        Assert.Equal(404, status);
        Assert.Equal(404, missingStatus);
        Assert.Equal(((string)body["detail"]!).Replace(OtherCar, "X", StringComparison.Ordinal), ((string)missing["detail"]!).Replace("car-9999", "X", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Renter_History_IsCutToTheRentalWindow()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        await rig.IngestAsync(LambdaRig.SampleEvent("ingest-fixes.json"));
        await rig.Store.PutAsync(new Rental(LambdaEvents.Car, Renter, DriveStartMs + 10000, DriveStartMs + (4 * Hour)), CancellationToken.None);

        var (status, _, body) = await rig.ApiAsync(History(RenterClaims(), new() { ["start"] = DriveStartMs.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.Equal(200, status);
        Assert.Equal(DriveStartMs + 10000, (long)body["fixes"]![0]!["ts"]!);
        Assert.Equal(4, body["fixes"]!.AsArray().Count);
    }

    [Fact]
    public async Task Renter_ListingTheFleet_IsForbidden()
    {
        await using LambdaRig rig = await SeededAsync();

        var (_, headers, body) = await rig.ApiAsync(LambdaEvents.Http("/cars", null, RenterClaims()));

        AssertProblem(headers, body, 403, "operators");
    }

    [Fact]
    public async Task Operator_SeesAnyCar_WithoutARental()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, _, body) = await rig.ApiAsync(Latest(OtherCar, OperatorClaims()));

        Assert.Equal(200, status);
        Assert.Equal(OtherCar, (string?)body["carId"]);
    }

    [Fact]
    public async Task Me_Renter_GetsTheirRunningRental()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, _, body) = await rig.ApiAsync(LambdaEvents.Http("/me", null, RenterClaims()));

        Assert.Equal(200, status);
        Assert.Equal(Renter, (string?)body["user"]);
        Assert.Equal("renter", (string?)body["roles"]![0]);
        JsonNode rental = body["rentals"]!.AsArray().Single()!;
        Assert.Equal(LambdaEvents.Car, (string?)rental["carId"]);
        Assert.Equal(SampleRental.FromMs, (long)rental["fromMs"]!);
        Assert.Equal(SampleRental.ToMs, (long)rental["toMs"]!);
    }

    [Fact]
    public async Task Me_AfterTheRentalEnded_ListsNoRental()
    {
        await using LambdaRig rig = await SeededAsync();
        rig.Clock.NowMs = SampleRental.ToMs + 1;

        var (status, _, body) = await rig.ApiAsync(LambdaEvents.Http("/me", null, RenterClaims(SampleRental.ToMs + 1)));

        Assert.Equal(200, status);
        Assert.Empty(body["rentals"]!.AsArray());
    }

    [Fact]
    public async Task Me_Operator_HasTheOperatorRoleAndNoRentals()
    {
        await using LambdaRig rig = await SeededAsync();

        var (status, _, body) = await rig.ApiAsync(LambdaEvents.Http("/me", null, OperatorClaims()));

        Assert.Equal(200, status);
        Assert.Equal(Operator, (string?)body["user"]);
        Assert.Equal("operator", Assert.Single(body["roles"]!.AsArray())!.GetValue<string>());
        Assert.Empty(body["rentals"]!.AsArray());
    }

    [Fact]
    public async Task NoClaims_Unauthenticated()
    {
        // A forged token never reaches the function: the JWT authorizer refuses it with 401. An event
        // without the authorizer's claims (a route wired without it, or a hand-made event) fails closed.
        await using LambdaRig rig = await SeededAsync();

        var (_, headers, body) = await rig.ApiAsync(Latest(LambdaEvents.Car, null));

        AssertProblem(headers, body, 401, "no JWT claims");
        Assert.Equal("Bearer", (string?)headers["www-authenticate"]);
    }

    [Theory]
    [InlineData("expired", "expired at")]
    [InlineData("no-exp", "'exp'")]
    [InlineData("bad-exp", "'exp'")]
    [InlineData("no-sub", "subject")]
    public async Task UnusableClaims_Unauthenticated(string variant, string detail)
    {
        await using LambdaRig rig = await SeededAsync();
        Dictionary<string, object> claims = RenterClaims();
        switch (variant)
        {
            case "expired":
                claims["exp"] = ((LambdaRig.SampleNowMs / 1000) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "no-exp":
                claims.Remove("exp");
                break;
            case "bad-exp":
                claims["exp"] = "tomorrow";
                break;
            default:
                claims.Remove("sub");
                break;
        }

        var (_, headers, body) = await rig.ApiAsync(Latest(LambdaEvents.Car, claims));

        AssertProblem(headers, body, 401, detail);
    }

    [Fact]
    public async Task ClaimsAsJsonNumbersAndArrays_ReadLikeApiGatewaysStrings()
    {
        await using LambdaRig rig = await SeededAsync();
        Dictionary<string, object> claims = new() { ["sub"] = Operator, ["exp"] = (LambdaRig.SampleNowMs / 1000) + 600, ["cognito:groups"] = new[] { "operators" } };

        var (status, _, _) = await rig.ApiAsync(Latest(OtherCar, claims));

        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData("limit", "0", "'limit'")]
    [InlineData("limit", "1001", "'limit'")]
    [InlineData("limit", "ten", "'limit'")]
    [InlineData("limit", "1,2", "'limit'")]
    [InlineData("start", "yesterday", "'start'")]
    [InlineData("start", "2025-06-10T08:00:00", "'start'")]
    [InlineData("end", "17495424600000000", "'end'")]
    [InlineData("start", "1749542460000", "'end' must be after start")]
    [InlineData("start", "", "'start' is required")]
    [InlineData("from", "1749542400000", "Unknown query parameter 'from'")]
    [InlineData("cursor", "", "'cursor'")]
    [InlineData("cursor", "bm90LWEtY3Vyc29y", "'cursor'")]
    public async Task BadQueryParameter_BadRequest_WithAClearProblem(string name, string value, string detail)
    {
        await using LambdaRig rig = await SeededAsync();
        Dictionary<string, string> query = new() { ["start"] = "2025-06-10T08:00:00Z", ["end"] = "1749542460000" };
        query[name] = value;

        var (_, headers, body) = await rig.ApiAsync(History(OperatorClaims(), query));

        AssertProblem(headers, body, 400, detail);
        Assert.Equal("/problems/bad-query", (string?)body["type"]);
    }

    [Theory]
    [InlineData("/trucks")]
    [InlineData("/cars/car-0042/speed")]
    [InlineData("/cars/car-0042/location/extra")]
    public async Task UnknownRoute_NotFound(string path)
    {
        await using LambdaRig rig = await SeededAsync();

        var (_, headers, body) = await rig.ApiAsync(LambdaEvents.Http(path, null, OperatorClaims()));

        AssertProblem(headers, body, 404, "No route");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task WrongMethod_MethodNotAllowed_WithAllow(string method)
    {
        await using LambdaRig rig = await SeededAsync();

        var (_, headers, body) = await rig.ApiAsync(LambdaEvents.Http("/cars/car-0042/location", null, OperatorClaims(), method));

        AssertProblem(headers, body, 405, method);
        Assert.Equal("GET", (string?)headers["allow"]);
    }

    [Fact]
    public async Task NamedStage_PrefixIsStripped()
    {
        await using LambdaRig rig = await SeededAsync();
        JsonObject evt = JsonNode.Parse(Latest(LambdaEvents.Car, OperatorClaims()))!.AsObject();
        evt["rawPath"] = "/prod/cars/car-0042/location";
        evt["requestContext"]!["stage"] = "prod";

        var (status, _, _) = await rig.ApiAsync(evt.ToJsonString());

        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData("{\"version\":\"1.0\",\"requestContext\":{\"http\":{\"method\":\"GET\"}}}", "payloadFormatVersion")]
    [InlineData("{\"version\":\"2.0\",\"rawPath\":\"/cars\"}", "requestContext.http.method")]
    [InlineData("{\"version\":\"2.0\",\"requestContext\":{\"http\":{\"method\":\"GET\"},\"authorizer\":{\"jwt\":{\"claims\":[1]}}}}", "$.requestContext.authorizer.jwt.claims")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("null", "not an object")]
    public async Task MalformedEvent_ThrowsInvalidEvent_NamingTheProblem(string json, string expected)
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();

        InvalidEventException e = await Assert.ThrowsAsync<InvalidEventException>(() => rig.Api.HandleAsync(LambdaRig.AsStream(json), CancellationToken.None));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatestAndFleet_SayTheCarsState_ByTheCarRules_AndHistoryDoesNot()
    {
        await using LambdaRig rig = await SeededAsync();

        var (_, _, latest) = await rig.ApiAsync(Latest(OtherCar, OperatorClaims()));
        var (_, _, fleet) = await rig.ApiAsync(LambdaEvents.Http("/cars", null, OperatorClaims()));
        var (_, _, history) = await rig.ApiAsync(History(RenterClaims(), new() { ["start"] = DriveStartMs.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        rig.Clock.NowMs += (long)Tracker.Cloud.Core.Cars.CarRules.Default.OfflineAfter.TotalMilliseconds;
        var (_, _, later) = await rig.ApiAsync(Latest(OtherCar, OperatorClaims()));

        Assert.Equal("moving", (string?)latest["state"]);
        Assert.All(fleet["cars"]!.AsArray(), car => Assert.Equal("moving", (string?)car!["state"]));
        Assert.All(history["fixes"]!.AsArray(), fix => Assert.False(fix!.AsObject().ContainsKey("state")));
        Assert.Equal("offline", (string?)later["state"]);
    }

    private static async Task<LambdaRig> SeededAsync()
    {
        LambdaRig rig = await LambdaRig.CreateAsync();
        await rig.IngestAsync(LambdaRig.SampleEvent("ingest-fixes.json"));
        byte[] other = WireBatch.Encode(SampleDrive.Fixes(DriveStartMs, 2));
        await rig.IngestAsync(LambdaEvents.Iot(other, "tracker/" + OtherCar + "/fixes", OtherCar));
        await rig.Store.PutAsync(SampleRental, CancellationToken.None);
        return rig;
    }

    private static Dictionary<string, object> RenterClaims(long nowMs = LambdaRig.SampleNowMs) => LambdaEvents.Claims(Renter, "renters", (nowMs / 1000) + 3600);

    private static Dictionary<string, object> OperatorClaims() => LambdaEvents.Claims(Operator, "operators", (LambdaRig.SampleNowMs / 1000) + 3600);

    private static string Latest(string car, Dictionary<string, object>? claims) => LambdaEvents.Http("/cars/" + car + "/location", null, claims);

    private static string History(Dictionary<string, object> claims, Dictionary<string, string> query) =>
        LambdaEvents.Http("/cars/" + LambdaEvents.Car + "/locations", query, claims);

    private static void AssertProblem(JsonObject headers, JsonObject body, int status, string detail)
    {
        Assert.Equal("application/problem+json", (string?)headers["content-type"]);
        Assert.Equal(status, (int)body["status"]!);
        Assert.StartsWith("/problems/", (string?)body["type"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)body["title"]));
        Assert.False(string.IsNullOrEmpty((string?)body["instance"]));
        Assert.Contains(detail, (string?)body["detail"], StringComparison.Ordinal);
    }
}
