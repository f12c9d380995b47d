using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Core.Fixes;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>
/// What one car's Derive state weighs in DynamoDB after two days of the cost model's car (2 h of driving a day, a fix
/// every 12 s sent 21 to a batch, a heartbeat every 15 min parked): every ingest step rewrites the item, so its size is
/// the write units of a step (docs/aws/cost-model.md takes this figure). It must also stay far under DynamoDB's 400 KB
/// item limit, or the car's steps would fail for good.
/// </summary>
public sealed class DeriveStateSizeTests(DynaliteServer dynalite, ITestOutputHelper output) : IClassFixture<DynaliteServer>
{
    [DynaliteFact]
    public async Task StateItem_AfterTwoDaysOfTheModelledCar_IsAFewKilobytes()
    {
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        var store = new DynamoDbStore(client, settings.Store);
        var parts = DeriveWiring.CreateWithParts(store, settings.Derive!, client);
        await parts.States.PutZoneAsync(EventPathFixtures.Depot, CancellationToken.None);
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (49 * 3_600_000L);
        var clock = new ManualClock(start);
        var handler = new IngestHandler(new IngestService(store, CarRules.Default.Ingest, clock), clock, TextWriter.Null, new DeriveAfterIngest(store, parts.Service));

        int steps = 0;
        var sizes = new List<int>();
        int lat = 523_812_000, lon = 49_000_000;
        for (int day = 0; day < 2; day++)
        {
            long dayStart = start + (day * 86_400_000L);
            for (long t = dayStart; t < dayStart + 86_400_000L;)
            {
                long hour = (t - dayStart) / 3_600_000L;
                bool driving = hour is 8 or 17;
                var batch = new List<Fix>();
                if (driving)
                {
                    for (int i = 0; i < 21 && t < dayStart + ((hour + 1) * 3_600_000L); i++, t += 12_000)
                    {
                        lat += 1_000;
                        lon += 700;
                        batch.Add(Moving(t, lat, lon, 12_500));
                    }
                }
                else
                {
                    batch.Add(Moving(t, lat, lon, 0));
                    t += 900_000;
                }

                clock.NowMs = batch[^1].TimeMs + 2_000;
                await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(LambdaEvents.Iot(WireBatch.Encode([.. batch]), receivedAt: clock.NowMs))), CancellationToken.None);
                steps++;
                if (steps % 20 == 0)
                {
                    sizes.Add(await StateBytesAsync(client, settings.Derive!.DeriveStateTable));
                }
            }
        }

        int bytes = await StateBytesAsync(client, settings.Derive!.DeriveStateTable);
        output.WriteLine($"{steps} ingest steps over 2 days: state item {bytes} B now (gzip'd JSON and keys), largest seen {Math.Max(bytes, sizes.Max())} B, median {sizes.Order().ElementAt(sizes.Count / 2)} B");
        Assert.InRange(bytes, 100, 64 * 1024);
    }

    private static Fix Moving(long t, int lat, int lon, int speedMmps)
    {
        Fix f = Fix.Create(t, lat, lon);
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.SpeedMmps = speedMmps;
        return f;
    }

    private static async Task<int> StateBytesAsync(IAmazonDynamoDB client, string table)
    {
        GetItemResponse item = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["carId"] = new AttributeValue { S = LambdaEvents.Car } }, ConsistentRead = true });

        // DynamoDB's item size: attribute names and values (binary by length, numbers about their digits).
        return item.Item.Sum(a => a.Key.Length + (a.Value.B is { } b ? (int)b.Length : a.Value.S?.Length ?? a.Value.N?.Length ?? 1));
    }
}
