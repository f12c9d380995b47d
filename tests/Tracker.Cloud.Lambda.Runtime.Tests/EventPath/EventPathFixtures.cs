using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Core.Fixes;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>Fresh tables on dynalite for the event path (the stores', the Derive stage's and the notifier's), and its fixtures.</summary>
internal static class EventPathFixtures
{
    public const string Secret = "a-webhook-secret-of-32-characters";

    /// <summary>Every table variable of the ingest, tick and notify functions, for a fresh prefix, and the tables created.</summary>
    public static async Task<Dictionary<string, string>> FreshTablesAsync(DynaliteServer dynalite)
    {
        string prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        Dictionary<string, string> environment = Support.RunningFunction.DynamoDbEnvironment(prefix, dynalite.ServiceUrl);
        string[] derive = ["-derive-state", "-events", "-statuses", "-zones"];
        for (int i = 0; i < derive.Length; i++)
        {
            environment[FunctionSettings.DeriveTableVariables[i]] = prefix + derive[i];
        }

        environment[NotifySettings.SubscriptionsTableVariable] = prefix + "-subscriptions";
        environment[NotifySettings.OutboxTableVariable] = prefix + "-outbox";
        environment[FunctionSettings.TripsTableVariable] = prefix + "-trips";
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbDeriveTables.EnsureCreatedAsync(client, settings.Derive!, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbNotifyStore.EnsureCreatedAsync(client, prefix + "-subscriptions", prefix + "-outbox", CancellationToken.None);
        await DynamoDbTripStore.EnsureCreatedAsync(client, settings.TripsTable!, TimeSpan.FromSeconds(10), CancellationToken.None);
        return environment;
    }

    /// <summary>Ten fixes a second apart, 10 m north each, ending at <paramref name="endMs"/>: out of a 45 m zone around the first at the sixth.</summary>
    public static Fix[] LeavingTheDepot(long endMs) => Enumerable.Range(0, 10).Select(i =>
    {
        Fix f = Fix.Create(endMs - ((9 - i) * 1000L), 523_812_000 + (i * 900), 49_000_000);
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.SpeedMmps = 10_000;
        return f;
    }).ToArray();

    /// <summary>The depot the fixes leave.</summary>
    public static Derive.Zones.Zone Depot => new() { Id = "depot", Name = "Depot", Center = new Derive.Zones.GeoPoint(523_812_000, 49_000_000), RadiusM = 45 };

    /// <summary>A DynamoDB stream batch of the events table (INSERT or MODIFY) carrying the given items' images.</summary>
    public static string StreamBatch(string eventName, params Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>[] items)
    {
        var records = new JsonArray();
        int sequence = 100;
        foreach (Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue> item in items)
        {
            var image = new JsonObject();
            foreach ((string name, Amazon.DynamoDBv2.Model.AttributeValue value) in item)
            {
                image[name] = value.S is not null ? new JsonObject { ["S"] = value.S }
                    : value.N is not null ? new JsonObject { ["N"] = value.N }
                    : new JsonObject { ["BOOL"] = value.BOOL == true };
            }

            records.Add(new JsonObject
            {
                ["eventID"] = Guid.NewGuid().ToString("N"),
                ["eventName"] = eventName,
                ["eventSource"] = "aws:dynamodb",
                ["awsRegion"] = "eu-west-1",
                ["dynamodb"] = new JsonObject
                {
                    ["Keys"] = new JsonObject { ["carId"] = new JsonObject { ["S"] = item["carId"].S }, ["eventId"] = new JsonObject { ["S"] = item["eventId"].S } },
                    ["NewImage"] = image,
                    ["SequenceNumber"] = (sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture) + "000000000000000000001",
                    ["StreamViewType"] = "NEW_IMAGE",
                },
                ["eventSourceARN"] = "arn:aws:dynamodb:eu-west-1:123456789012:table/tracker-dev-events/stream/2026-12-06T00:00:00.000",
            });
        }

        return new JsonObject { ["Records"] = records }.ToJsonString();
    }
}
