using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Runtime.Tests.EventPath;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Cloud.Notify.Subscriptions;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// Issue 16's event path on AWS through the published bootstrap, each function its own process against dynalite: ingest
/// derives the events in the same invocation, the tick raises what only the clock can (offline), and the notifier, given
/// the events table's stream batch, delivers to a webhook receiver and to an SES stand-in once, however often the batch
/// comes.
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapEventPathTests(PublishedPackage package, DynaliteServer dynalite, HookReceiver receiver, ITestOutputHelper output)
    : IClassFixture<DynaliteServer>, IClassFixture<HookReceiver>
{
    [BootstrapFact]
    public async Task IngestThenTickThenNotify_FireTheExitAndOfflineEvents_AndDeliverEachOnce()
    {
        receiver.Clear();
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        await new DynamoDbDeriveStore(client, settings.Derive!).PutZoneAsync(EventPathFixtures.Depot, CancellationToken.None);

        // The car left the depot an hour ago and has not been heard since.
        long heardMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        await using (RunningFunction ingest = await RunningFunction.StartAsync(package, FunctionCatalog.Ingest, environment, output))
        {
            JsonElement summary = await ingest.RespondAsync(LambdaEvents.Iot(WireBatch.Encode(EventPathFixtures.LeavingTheDepot(heardMs - 1000)), receivedAt: heardMs));
            Assert.Equal(10, summary.GetProperty("accepted").GetInt32());
        }

        await using (RunningFunction tick = await RunningFunction.StartAsync(package, FunctionCatalog.Tick, environment, output))
        {
            JsonElement first = await tick.RespondAsync(LambdaEvents.SampleText("scheduled-tick.json"));
            Assert.Equal(1, first.GetProperty("cars").GetInt32());
            Assert.True(first.GetProperty("events").GetInt32() >= 1);
            JsonElement again = await tick.RespondAsync(LambdaEvents.SampleText("scheduled-tick.json"));
            Assert.Equal(0, again.GetProperty("events").GetInt32());
            Assert.Equal(2, tick.LogLines().Count(l => l.TryGetProperty("cars", out _)));
        }

        List<Dictionary<string, AttributeValue>> items = await ConcurrentDeriveTests.ScanAsync(client, settings.Derive!.EventsTable);
        Assert.Single(items, i => i["type"].S == "geofence-exit");
        Assert.Single(items, i => i["type"].S == "offline");

        var store = new DynamoDbNotifyStore(client, environment[NotifySettings.SubscriptionsTableVariable], environment[NotifySettings.OutboxTableVariable]);
        await store.PutSubscriptionAsync(
            new Subscription
            {
                Id = "ops", Name = "Ops", Types = [Derive.Events.EventType.GeofenceExit, Derive.Events.EventType.Offline],
                WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret, Email = "ops@fleet.example",
            },
            CancellationToken.None);
        environment[NotifySettings.WebhookAllowPrivateVariable] = "true"; // the receiver is on 127.0.0.1
        environment[NotifySettings.EmailFromVariable] = "alerts@fleet.example";
        environment[NotifySettings.SesEndpointVariable] = receiver.BaseUrl.ToString().TrimEnd('/');
        environment[NotifySettings.MetricNamespaceVariable] = "Tracker/test";
        string batch = EventPathFixtures.StreamBatch("INSERT", [.. items]);
        await using (RunningFunction notify = await RunningFunction.StartAsync(package, FunctionCatalog.Notify, environment, output))
        {
            for (int i = 0; i < 2; i++)
            {
                JsonElement response = await notify.RespondAsync(batch);
                Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
            }

            JsonElement retries = await notify.RespondAsync(LambdaEvents.SampleText("scheduled-tick.json"));
            Assert.Equal(0, retries.GetProperty("due").GetInt32());
            JsonElement metrics = notify.LogLines().First(l => l.TryGetProperty("_aws", out _));
            Assert.Equal(4, metrics.GetProperty(NotifyHandler.MetricDelivered).GetInt32());
        }

        Assert.Equal(2, receiver.Hooks.Count);
        Assert.Equal(2, receiver.Emails.Count);
        Assert.All(receiver.Emails, m => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=S3RVER/", m.Headers["authorization"], StringComparison.Ordinal));
        Assert.All(receiver.Emails, m => Assert.Contains("/us-east-1/ses/aws4_request", m.Headers["authorization"], StringComparison.Ordinal));
    }
}
