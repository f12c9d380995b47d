using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>
/// Issue 16 on AWS, scope 3: the notifier behind the events table's stream, on dynalite, with a webhook receiver and an
/// SES stand-in on 127.0.0.1. The stream batches carry the events table's real items, as the Derive stage wrote them.
/// </summary>
public sealed class NotifierTests(DynaliteServer dynalite, HookReceiver receiver) : IClassFixture<DynaliteServer>, IClassFixture<HookReceiver>
{
    private const string From = "alerts@fleet.example";
    private static readonly ImmutableCredentials Keys = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "session-token-example");

    [DynaliteFact]
    public async Task AStreamedEvent_IsDeliveredOnceByWebhookAndSes_AndARetriedOrRevisedBatchSendsNothing()
    {
        receiver.Clear();
        (string batch, DynamoDbNotifyStore store, ManualClock clock, _) = await EventAsync(new Subscription
        {
            Id = "ops", Name = "Ops", Types = [EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret, Email = "ops@fleet.example",
        });
        var log = new StringWriter();
        NotifyHandler handler = Handler(store, clock, log, NotifyOptions.Default);

        JsonElement response = await HandleAsync(handler, batch);

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        ReceivedRequest hook = Assert.Single(receiver.Hooks);
        using (JsonDocument body = JsonDocument.Parse(hook.Body))
        {
            Assert.Equal("geofence-exit", body.RootElement.GetProperty("type").GetString());
        }

        Assert.Equal(WebhookSender.Sign(EventPathFixtures.Secret, hook.Headers["x-tracker-timestamp"], hook.Body), hook.Headers["x-tracker-signature"]);
        string delivery = hook.Headers["x-tracker-delivery"];

        // SES: SendEmail v2 from the identity, to the subscriber, the delivery id in a header, signed with SigV4 for ses.
        ReceivedRequest mail = Assert.Single(receiver.Emails);
        string day = clock.Now.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + day + "/eu-west-1/ses/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=", mail.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mail.Body))), mail.Headers["x-amz-content-sha256"]);
        Assert.Equal("session-token-example", mail.Headers["x-amz-security-token"]);
        Assert.Equal(ExpectedSesAuthorization(mail), mail.Headers["authorization"]);
        using (JsonDocument ses = JsonDocument.Parse(mail.Body))
        {
            JsonElement root = ses.RootElement;
            Assert.Equal(From, root.GetProperty("FromEmailAddress").GetString());
            Assert.Equal("ops@fleet.example", root.GetProperty("Destination").GetProperty("ToAddresses")[0].GetString());
            JsonElement simple = root.GetProperty("Content").GetProperty("Simple");
            Assert.StartsWith("[tracker] geofence-exit " + LambdaEvents.Car, simple.GetProperty("Subject").GetProperty("Data").GetString(), StringComparison.Ordinal);
            Assert.Contains("\"type\":\"geofence-exit\"", simple.GetProperty("Body").GetProperty("Text").GetProperty("Data").GetString(), StringComparison.Ordinal);
            JsonElement header = simple.GetProperty("Headers")[0];
            Assert.Equal("X-Tracker-Delivery", header.GetProperty("Name").GetString());
        }

        // Lambda retries the batch (the function timed out after sending, say), and the event is revised (acknowledged): nothing more.
        await HandleAsync(handler, batch);
        await HandleAsync(handler, batch.Replace("\"INSERT\"", "\"MODIFY\"", StringComparison.Ordinal));
        Assert.Single(receiver.Hooks);
        Assert.Single(receiver.Emails);
        Assert.Equal(2, (await store.ListAsync(OutboxState.Delivered, 10, CancellationToken.None)).Count);
        Assert.Contains("\"NotificationsDelivered\":2", log.ToString().Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("\"Namespace\":\"Tracker/test\"", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"alreadyThere\":2", log.ToString().Split('\n')[1], StringComparison.Ordinal);
        Assert.Equal(delivery, (await store.ListAsync(OutboxState.Delivered, 10, CancellationToken.None)).Single(e => e.Channel == Channel.Webhook).DeliveryId);
    }

    [DynaliteFact]
    public async Task TwoInvocationsOfTheSameBatchAtOnce_SendEachNotificationOnce()
    {
        receiver.Clear();
        (string batch, DynamoDbNotifyStore store, ManualClock clock, _) = await EventAsync(new Subscription
        {
            Id = "ops", Name = "Ops", WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => HandleAsync(Handler(store, clock, TextWriter.Null, NotifyOptions.Default), batch))));

        int events = JsonDocument.Parse(batch).RootElement.GetProperty("Records").GetArrayLength();
        Assert.True(events >= 1);
        Assert.Equal(receiver.Hooks.Count, receiver.Hooks.Select(h => h.Headers["x-tracker-delivery"]).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal((await store.ListAsync(OutboxState.Delivered, 100, CancellationToken.None)).Count, receiver.Hooks.Count);

        // While a send is in flight (claimed, not yet recorded) the retry schedule does not see the entry.
        receiver.Clear();
        (string second, DynamoDbNotifyStore store2, ManualClock clock2, _) = await EventAsync(new Subscription
        {
            Id = "late", Name = "Late", Types = [EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });
        OutboxEntry entry = NotifyHandler.EntriesFor(NotifyHandlerEvent(second), await store2.ListSubscriptionsAsync(CancellationToken.None), clock2.NowMs).Single();
        Assert.True(await store2.TryAddAsync(entry, CancellationToken.None));
        Assert.True(await store2.TryClaimAsync(entry, clock2.NowMs, CancellationToken.None));
        Assert.Empty(await store2.DueAsync(clock2.NowMs + 59_000, 10, CancellationToken.None));
        Assert.Single(await store2.DueAsync(clock2.NowMs + (long)DynamoDbNotifyStore.ClaimLease.TotalMilliseconds, 10, CancellationToken.None));
        Assert.False(await store2.TryClaimAsync(entry, clock2.NowMs, CancellationToken.None)); // the attempt is taken
    }

    [DynaliteFact]
    public async Task AFailingWebhook_IsRetriedWithBackoffByTheSchedule_ThenKeptAsFailedWithItsError()
    {
        receiver.Clear();
        receiver.HookStatus = 503;
        (string batch, DynamoDbNotifyStore store, ManualClock clock, _) = await EventAsync(new Subscription
        {
            Id = "ops", Name = "Ops", Types = [EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });
        var log = new StringWriter();
        NotifyHandler handler = Handler(store, clock, log, new NotifyOptions { MaxAttempts = 3 });

        await HandleAsync(handler, batch);
        OutboxEntry pending = Assert.Single(await store.ListAsync(OutboxState.Pending, 10, CancellationToken.None));
        Assert.Equal(1, pending.Attempts);
        Assert.Equal("HTTP 503 Service Unavailable", pending.LastError);
        Assert.Equal(clock.NowMs + 2000, pending.NextAttemptMs);

        await HandleAsync(handler, "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}");
        Assert.Single(receiver.Hooks); // not due yet
        clock.NowMs += 2000;
        await HandleAsync(handler, "{}");
        Assert.Equal(2, receiver.Hooks.Count);
        clock.NowMs += 3999;
        await HandleAsync(handler, "{}");
        Assert.Equal(2, receiver.Hooks.Count); // 4 s after the second
        clock.NowMs += 1;
        await HandleAsync(handler, "{}");
        Assert.Equal(3, receiver.Hooks.Count);
        clock.NowMs += 3_600_000;
        await HandleAsync(handler, "{}");
        Assert.Equal(3, receiver.Hooks.Count);

        OutboxEntry failed = Assert.Single(await store.ListAsync(OutboxState.Failed, 10, CancellationToken.None));
        Assert.Equal(3, failed.Attempts);
        Assert.Equal("HTTP 503 Service Unavailable", failed.LastError);
        Assert.Empty(await store.DueAsync(long.MaxValue, 10, CancellationToken.None));
        Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"NotificationsFailed\":1", StringComparison.Ordinal));
        Assert.Single(receiver.Hooks.Select(h => h.Headers["x-tracker-delivery"]).Distinct(StringComparer.Ordinal)); // every attempt carries the same delivery id
    }

    [DynaliteFact]
    public async Task OnAws_AWebhookOnLoopbackIsRefused_AndNothingReachesIt()
    {
        receiver.Clear();

        // Saved straight into the table (the API refuses it: SubscriptionValidatorTests), as if written before the policy.
        (string batch, DynamoDbNotifyStore store, ManualClock clock, Dictionary<string, string> environment) = await EventAsync(new Subscription
        {
            Id = "inside", Name = "Inside", WebhookUrl = new Uri("https://127.0.0.1:" + receiver.BaseUrl.Port + "/hook"), WebhookSecret = EventPathFixtures.Secret,
        });
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.ServiceUrl.ToString().TrimEnd('/');
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        using var function = new NotifyFunction(NotifySettings.Read(environment.GetValueOrDefault), client, () => Keys, clock);

        Stream output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(batch)), CancellationToken.None);

        Assert.Empty(JsonDocument.Parse(output).RootElement.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Empty(receiver.Hooks);
        OutboxEntry refused = (await store.ListAsync(OutboxState.Pending, 100, CancellationToken.None)).First();
        Assert.StartsWith("refused: webhook must not point at a loopback, private or link-local address (127.0.0.1)", refused.LastError, StringComparison.Ordinal);
    }

    [DynaliteFact]
    public async Task MalformedOrIrrelevantRecords_AreIgnored_AndTheGoodOnesAroundThemStillSent()
    {
        receiver.Clear();
        (string batch, DynamoDbNotifyStore store, ManualClock clock, _) = await EventAsync(new Subscription
        {
            Id = "ops", Name = "Ops", Types = [EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });
        NotifyHandler handler = Handler(store, clock, TextWriter.Null, NotifyOptions.Default);
        foreach (string bad in new[] { string.Empty, "not json", "[1]", "{\"Records\":3}", "{\"Records\":[{\"dynamodb\":7}]}" })
        {
            await Assert.ThrowsAsync<InvalidEventException>(() => handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(bad)), CancellationToken.None));
        }

        using JsonDocument good = JsonDocument.Parse(batch);
        var records = new System.Text.Json.Nodes.JsonArray
        {
            System.Text.Json.Nodes.JsonNode.Parse("{\"eventName\":\"REMOVE\",\"dynamodb\":{\"SequenceNumber\":\"1\",\"OldImage\":{\"carId\":{\"S\":\"car-0042\"}}}}"),
            System.Text.Json.Nodes.JsonNode.Parse("{\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":\"2\",\"NewImage\":{\"body\":{\"S\":\"{not an event\"}}}}"),
            System.Text.Json.Nodes.JsonNode.Parse("{\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":\"3\",\"NewImage\":{\"body\":{\"N\":\"12\"}}}}"),
            System.Text.Json.Nodes.JsonNode.Parse("{\"eventName\":\"INSERT\"}"),
        };
        foreach (JsonElement record in good.RootElement.GetProperty("Records").EnumerateArray())
        {
            // Each real record three ways: withdrawn, pending (both told nobody), and as it stands.
            var withdrawn = System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!;
            withdrawn["dynamodb"]!["NewImage"]!["withdrawn"] = new System.Text.Json.Nodes.JsonObject { ["BOOL"] = true };
            records.Add(withdrawn);
            var pending = System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!;
            string body = pending["dynamodb"]!["NewImage"]!["body"]!["S"]!.GetValue<string>();
            pending["dynamodb"]!["NewImage"]!["body"]!["S"] = body.Replace("\"pending\":false", "\"pending\":true", StringComparison.Ordinal);
            Assert.Contains("\"pending\":true", pending["dynamodb"]!["NewImage"]!["body"]!["S"]!.GetValue<string>(), StringComparison.Ordinal);
            records.Add(pending);
        }

        await HandleAsync(handler, "{\"Records\":" + records.ToJsonString() + "}");
        Assert.Empty(receiver.Hooks);
        foreach (JsonElement record in good.RootElement.GetProperty("Records").EnumerateArray())
        {
            records.Add(System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText()));
        }

        await HandleAsync(handler, "{\"Records\":" + records.ToJsonString() + "}");
        Assert.Single(receiver.Hooks);
    }

    /// <summary>SigV4 by its documented steps (canonical request, string to sign, derived key, HMAC), computed here independently of the signer.</summary>
    private static string ExpectedSesAuthorization(ReceivedRequest request)
    {
        const string signedHeaders = "host;x-amz-content-sha256;x-amz-date;x-amz-security-token";
        string canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => h + ":" + request.Headers[h].Trim() + "\n"));
        string canonical = "POST\n" + request.Path + "\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)));
        string date = request.Headers["x-amz-date"];
        string scope = date[..8] + "/eu-west-1/ses/aws4_request";
        string toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + Keys.SecretKey);
        foreach (string part in new[] { date[..8], "eu-west-1", "ses", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return "AWS4-HMAC-SHA256 Credential=" + Keys.AccessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
            + ", Signature=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private static Derive.Storage.StoredEvent NotifyHandlerEvent(string batch)
    {
        using JsonDocument document = JsonDocument.Parse(batch);
        foreach (JsonElement record in document.RootElement.GetProperty("Records").EnumerateArray())
        {
            Live.RentalStreamRecord parsed = JsonSerializer.Deserialize(record.GetRawText(), Live.LiveDisconnectJsonContext.Default.RentalStreamRecord)!;
            if (NotifyHandler.TryReadEvent(parsed, out Derive.Storage.StoredEvent? stored) && stored!.Event.Type == EventType.GeofenceExit)
            {
                return stored;
            }
        }

        throw new InvalidOperationException("no geofence-exit in the batch");
    }

    private static async Task<JsonElement> HandleAsync(NotifyHandler handler, string evt)
    {
        using Stream output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        using JsonDocument document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    private NotifyHandler Handler(DynamoDbNotifyStore store, ManualClock clock, TextWriter log, NotifyOptions options)
    {
        var senders = new Dictionary<Channel, ISender>
        {
            [Channel.Webhook] = new WebhookSender(WebhookTargetPolicy.Local, store.SecretAsync, clock),
            [Channel.Email] = new SesEmailSender(new HttpClient(), receiver.BaseUrl, "eu-west-1", From, () => Keys, clock),
        };
        return new NotifyHandler(store, senders, options, clock, log, "Tracker/test");
    }

    private Task<(string Batch, DynamoDbNotifyStore Store, ManualClock Clock, Dictionary<string, string> Environment)> EventAsync(Subscription subscription) =>
        NotifierFixture.GeofenceExitWithEnvironmentAsync(dynalite, subscription);
}
