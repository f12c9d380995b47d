using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Testing;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 17's exports through the API function as the bootstrap builds it, on dynalite: a period with more trips than
/// one page of the trips table is exported whole, and on AWS (no place index) trip ends are labelled with coordinates.
/// </summary>
public sealed class AwsExportTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Car = "car-0077";
    private const int Trips = 1_200;

    [StoreFact]
    public async Task ACsvExport_OfMoreTripsThanAPage_HoldsThemAll_LabelledWithCoordinates()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, string tripsTable) = await FunctionAsync(client);
        long t0 = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) - (5 * 86_400)) * 1000;
        List<Trip> trips = [];
        for (int i = 0; i < Trips; i++)
        {
            long start = t0 + (i * 300_000L);
            trips.Add(new Trip { CarId = Car, StartTs = start, EndTs = start + 60_000, StartLatE7 = 523_812_000, StartLonE7 = 49_000_000, EndLatE7 = 523_822_000, EndLonE7 = 49_010_000, DistanceM = 1_000, Fixes = 10, DecidedTs = start + 180_000 });
        }

        await new DynamoDbTripStore(client, tripsTable).ApplyAsync(Car, 0, trips, [], CancellationToken.None);

        var (status, headers, csv) = await CallAsync(api, "/cars/" + Car + "/trips", new() { ["start"] = t0.ToString(CultureInfo.InvariantCulture), ["end"] = (t0 + (6 * 86_400_000L)).ToString(CultureInfo.InvariantCulture), ["format"] = "csv" });
        Assert.Equal(200, status);
        Assert.Null(headers["x-next-cursor"]);
        List<List<string>> records = Rfc4180.Parse(csv);
        Assert.Equal(Trips + 1, records.Count);
        Assert.Equal(Trips, records.Skip(1).Select(r => r[1]).Distinct(StringComparer.Ordinal).Count());
        Assert.All(records.Skip(1), r => Assert.Equal("52.38120, 4.90000", r[records[0].IndexOf("start_place")]));
    }

    private static async Task<(ApiFunction Api, string TripsTable)> FunctionAsync(AmazonDynamoDBClient client)
    {
        (FunctionSettings settings, Func<string, string?> environment) = await TripFunctionTables.CreateAsync(client, 'x');
        return (new ApiFunction(settings, client, environment), settings.TripsTable!);
    }

    private static async Task<(int Status, JsonObject Headers, string Body)> CallAsync(ApiFunction api, string path, Dictionary<string, string> query)
    {
        string evt = LambdaEvents.Http(path, query, LambdaEvents.Claims(Operator, "operators"));
        using Stream output = await api.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        return ((int)response["statusCode"]!, response["headers"]?.AsObject() ?? [], (string?)response["body"] ?? string.Empty);
    }
}
