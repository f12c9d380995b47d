using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Testing;
using Tracker.Core.Fixes;
using Tracker.Testing;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 17 on AWS, the functions as the bootstrap builds them from their environment, against dynalite: the ingest
/// function's Derive step writes trips to the trips table, the API function serves them, and a late batch revises the
/// trip it belongs to rather than adding one.
/// </summary>
public sealed class AwsTripPathTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Car = "car-0042";
    private const int LatE7 = 523_812_000;
    private const int LonE7 = 49_000_000;

    [StoreFact]
    public async Task ADriveThroughIngest_IsATripTheApiLists_AndALateBatchRevisesIt_NeverDuplicates()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, IngestFunction ingest, string tripsTable) = await FunctionsAsync(client);
        long t0 = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) - 1_800) * 1000;

        // Parked 2 min, 5 min east at 10 m/s (3 km), parked 13 min; the fixes from 200 s to 290 s (a dead zone) come late.
        List<Fix> drive = Drive(t0);
        Fix[] deadZone = drive.Where(f => f.TimeMs > t0 + 200_000 && f.TimeMs < t0 + 290_000).ToArray();
        foreach (Fix[] message in drive.Except(deadZone).Chunk(12))
        {
            Assert.Equal("stored", (string?)(await IngestAsync(ingest, message))["outcome"]);
        }

        JsonNode bridged = Assert.Single((await TripsAsync(api, t0))!)!;
        Assert.InRange((double)bridged["distanceM"]!, 2_950, 3_050);
        Assert.True((bool)bridged["estimated"]!, bridged.ToJsonString());
        long start = (long)bridged["startTs"]!;

        // The dead zone's fixes arrive: the same trip, revised (no longer estimated), not a second one.
        foreach (Fix[] message in deadZone.Chunk(12))
        {
            Assert.Equal("stored", (string?)(await IngestAsync(ingest, message))["outcome"]);
        }

        JsonNode revised = Assert.Single((await TripsAsync(api, t0))!)!;
        Assert.Equal(start, (long)revised["startTs"]!);
        Assert.False((bool)revised["estimated"]!, revised.ToJsonString());
        Assert.InRange((double)revised["distanceM"]!, 2_950, 3_050);

        // Re-delivered: nothing new.
        await IngestAsync(ingest, deadZone[..6]);
        Assert.Single((await TripsAsync(api, t0))!);
        ScanResponse items = await client.ScanAsync(new ScanRequest { TableName = tripsTable });
        Assert.Single(items.Items, i => i["itemKey"].S.StartsWith("trip#", StringComparison.Ordinal));

        var (status, daily) = await CallAsync(api, "/daily", new() { ["start"] = t0.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(200, status);
        Assert.Contains(Car, daily.ToJsonString(), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task ACorruptTripItem_IsAnErrorTheApiDoesNotTurnIntoATrip()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, IngestFunction ingest, string tripsTable) = await FunctionsAsync(client);
        long t0 = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) - 1_800) * 1000;
        foreach (Fix[] message in Drive(t0).Chunk(12))
        {
            await IngestAsync(ingest, message);
        }

        string key = Assert.Single((await client.ScanAsync(new ScanRequest { TableName = tripsTable })).Items, i => i["itemKey"].S.StartsWith("trip#", StringComparison.Ordinal))["itemKey"].S;
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = tripsTable,
            Key = new() { ["carId"] = new() { S = Car }, ["itemKey"] = new() { S = key } },
            UpdateExpression = "SET body = :b",
            ExpressionAttributeValues = new() { [":b"] = new() { S = "{\"carId\":" } },
        });
        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => TripsAsync(api, t0));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-trips", false, "Derive stage")]
    [InlineData("x-zones", true, "TRACKER_TRIPS_TABLE")]
    [InlineData("x-limits", true, "TRACKER_TRIPS_TABLE")]
    [InlineData("a/b", true, "TRACKER_TRIPS_TABLE")]
    [InlineData("ab", true, "TRACKER_TRIPS_TABLE")]
    public void BadTripsTable_FailsTheStart_NamingTheVariable(string trips, bool withDerive, string named)
    {
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = "x-fixes",
            [FunctionSettings.LatestTableVariable] = "x-latest",
            [FunctionSettings.RentalsTableVariable] = "x-rentals",
            [FunctionSettings.TripsTableVariable] = trips,
        };
        if (withDerive)
        {
            string[] derive = ["-state", "-events", "-statuses", "-zones"];
            for (int i = 0; i < derive.Length; i++)
            {
                environment[FunctionSettings.DeriveTableVariables[i]] = "x" + derive[i];
            }

            environment[FunctionSettings.LimitsTableVariable] = "x-limits";
        }

        var e = Assert.Throws<InvalidOperationException>(() => FunctionSettings.Read(environment.GetValueOrDefault));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTripsTable_LeavesTripsOff_AndTheOtherSettingsAsTheyWere()
    {
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = "x-fixes",
            [FunctionSettings.LatestTableVariable] = "x-latest",
            [FunctionSettings.RentalsTableVariable] = "x-rentals",
        };
        Assert.Null(FunctionSettings.Read(environment.GetValueOrDefault).TripsTable);
    }

    private static List<Fix> Drive(long t0) => [.. Parked(t0, 0, 120, 0), .. Driving(t0, 120, 300), .. Parked(t0, 425, 780, 3_000)];

    private static IEnumerable<Fix> Parked(long t0, int fromS, int seconds, double eastM)
    {
        for (int s = fromS; s < fromS + seconds; s += 10)
        {
            yield return Fix(t0 + (s * 1000L), eastM, 0);
        }
    }

    private static IEnumerable<Fix> Driving(long t0, int fromS, int seconds)
    {
        for (int s = 5; s <= seconds; s += 5)
        {
            yield return Fix(t0 + ((fromS + s) * 1000L), 10.0 * s, 10_000);
        }
    }

    private static Fix Fix(long ts, double eastM, int speedMmps)
    {
        int lon = LonE7 + (int)Math.Round(eastM / (111_195.08 * Math.Cos(52.3812 * Math.PI / 180)) * 1e7);
        Fix f = global::Tracker.Core.Fixes.Fix.Create(ts, LatE7, lon);
        f.AltCm = 1_000;
        f.SpeedMmps = speedMmps;
        f.CourseCdeg = 9_000;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        return f;
    }

    private static async Task<(ApiFunction Api, IngestFunction Ingest, string TripsTable)> FunctionsAsync(AmazonDynamoDBClient client)
    {
        (FunctionSettings settings, Func<string, string?> environment) = await TripFunctionTables.CreateAsync(client, 'p');
        return (new ApiFunction(settings, client, environment), new IngestFunction(settings, client), settings.TripsTable!);
    }

    private static async Task<JsonArray?> TripsAsync(ApiFunction api, long t0)
    {
        var (status, body) = await CallAsync(api, "/cars/" + Car + "/trips", new() { ["start"] = t0.ToString(CultureInfo.InvariantCulture) });
        Assert.True(status == 200, body.ToJsonString());
        return body["trips"]!.AsArray();
    }

    private static async Task<(int Status, JsonObject Body)> CallAsync(ApiFunction api, string path, Dictionary<string, string> query)
    {
        string evt = LambdaEvents.Http(path, query, LambdaEvents.Claims(Operator, "operators"));
        using Stream output = await api.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        string text = (string?)response["body"] ?? string.Empty;
        return ((int)response["statusCode"]!, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }

    private static async Task<JsonObject> IngestAsync(IngestFunction ingest, Fix[] fixes)
    {
        string evt = LambdaEvents.Iot(WireBatch.Encode(fixes), "tracker/" + Car + "/fixes", Car, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using Stream output = await ingest.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        return (JsonObject)JsonNode.Parse(output)!;
    }
}
