using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Runtime.Tests.EventPath;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Core.Uplink;
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

    [BootstrapFact]
    public async Task APublishedNotifier_QueuesASignedWakeUpForAFailedWebhook_AndTheWakeUpDeliversIt()
    {
        receiver.Clear();
        receiver.HookStatus = 503;
        (string batch, _, _, Dictionary<string, string> environment) = await NotifierFixture.GeofenceExitWithEnvironmentAsync(dynalite, new Subscription
        {
            Id = "ops", Name = "Ops", Types = [Derive.Events.EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });
        await using var sqs = new SqsStandIn();
        await sqs.StartAsync();
        environment[NotifySettings.WebhookAllowPrivateVariable] = "true"; // the receiver is on 127.0.0.1
        environment[NotifySettings.RetryQueueUrlVariable] = "https://sqs.us-east-1.amazonaws.com/123456789012/tracker-test-notify-retry-wakes";
        environment[NotifySettings.SqsEndpointVariable] = sqs.BaseUrl.ToString().TrimEnd('/');
        environment[NotifySettings.MetricNamespaceVariable] = "Tracker/test";
        await using RunningFunction notify = await RunningFunction.StartAsync(package, FunctionCatalog.Notify, environment, output);

        await notify.RespondAsync(batch);
        Assert.Single(receiver.Hooks);
        ReceivedRequest send = Assert.Single(sqs.Requests);
        Assert.Equal("AmazonSQS.SendMessage", send.Headers["x-amz-target"]);
        Assert.Contains("/us-east-1/sqs/aws4_request", send.Headers["authorization"], StringComparison.Ordinal);
        using JsonDocument message = JsonDocument.Parse(send.Body);
        Assert.Equal(2, message.RootElement.GetProperty("DelaySeconds").GetInt32());
        string body = message.RootElement.GetProperty("MessageBody").GetString()!;

        // SQS hands the message over after its delay; the webhook is back by then.
        receiver.HookStatus = 204;
        await Task.Delay(TimeSpan.FromSeconds(2));
        JsonElement response = await notify.RespondAsync("{\"Records\":[{\"messageId\":\"m-1\",\"eventSource\":\"aws:sqs\",\"body\":" + JsonSerializer.Serialize(body) + "}]}");
        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(2, receiver.Hooks.Count);
        Assert.Contains(notify.LogLines(), l => l.TryGetProperty("notify", out JsonElement n) && n.GetProperty("woken").GetInt32() == 1 && n.GetProperty("delivered").GetInt32() == 1);
    }

    [BootstrapFact]
    public async Task IgnitionOffStatus_ThroughThePublishedIngest_IsListedByThePublishedApi_ToOperatorsOnly()
    {
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string topic = "tracker/" + LambdaEvents.Car + "/status";
        await using (RunningFunction ingest = await RunningFunction.StartAsync(package, FunctionCatalog.Ingest, environment, output))
        {
            foreach ((IgnitionState ignition, long at) in new[] { (IgnitionState.On, nowS - 120), (IgnitionState.Off, nowS - 60) })
            {
                JsonElement summary = await ingest.RespondAsync(LambdaEvents.Iot(Status(ignition, at), topic, LambdaEvents.Car, at * 1000));
                Assert.Equal("stored", summary.GetProperty("outcome").GetString());
            }

            JsonElement refused = await ingest.RespondAsync(LambdaEvents.Iot([0x02, 0x01], topic, LambdaEvents.Car, nowS * 1000));
            Assert.Equal("notStatus", refused.GetProperty("reason").GetString());
        }

        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output);
        JsonElement listed = await api.RespondAsync(LambdaEvents.Http("/cars/" + LambdaEvents.Car + "/events", new Dictionary<string, string> { ["type"] = "ignition-off" }, LambdaEvents.Claims("ops-1", "operators")));
        Assert.Equal(200, listed.GetProperty("statusCode").GetInt32());
        using JsonDocument page = JsonDocument.Parse(listed.GetProperty("body").GetString()!);
        JsonElement e = Assert.Single(page.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal((nowS - 60) * 1000, e.GetProperty("ts").GetInt64());

        JsonElement renter = await api.RespondAsync(LambdaEvents.Http("/events", null, LambdaEvents.Claims("renter-1", "renters")));
        Assert.Equal(403, renter.GetProperty("statusCode").GetInt32());
        JsonElement zones = await api.RespondAsync(LambdaEvents.Http("/zones", null, LambdaEvents.Claims("ops-1", "operators")));
        Assert.Equal(200, zones.GetProperty("statusCode").GetInt32());
    }

    private static byte[] Status(IgnitionState ignition, long utcS)
    {
        StatusReport report = StatusReport.CreateOnline();
        report.Ignition = ignition;
        report.UtcS = utcS;
        report.SupplyMv = 12_600;
        report.FirmwareVersion = "test";
        byte[] buffer = new byte[StatusCodec.MaxBytes];
        int length = StatusCodec.Encode(ref report, buffer, 0);
        return buffer[..length];
    }
}
