using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>
/// Issue 16 on AWS: the notifier's retries follow the outbox's backoff (2 s, 4 s, 8 s ...), woken by the retry queue when
/// each is due, with the one-minute schedule only a sweep for wake-ups that were lost. On dynalite, with a webhook receiver
/// that fails; the queue is a recording stand-in here (its SQS client is tested against an HTTP stand-in below).
/// </summary>
public sealed class NotifierRetryQueueTests(DynaliteServer dynalite, HookReceiver receiver) : IClassFixture<DynaliteServer>, IClassFixture<HookReceiver>
{
    private static readonly ImmutableCredentials Keys = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "session-token-example");

    [DynaliteFact]
    public async Task AFailingWebhook_IsRetriedWhenEachBackoffIsDue_NotAtTheNextMinute()
    {
        receiver.Clear();
        receiver.HookStatus = 503;
        (string batch, DynamoDbNotifyStore store, ManualClock clock) = await EventAsync();
        var queue = new RecordingQueue();
        NotifyHandler handler = Handler(store, clock, new NotifyOptions { MaxAttempts = 5 }, queue);
        long start = clock.NowMs;

        await HandleAsync(handler, batch);
        Assert.Single(receiver.Hooks);

        // Each failed attempt asks to be woken after its backoff; the queue delivers the wake-up then (SQS's delay).
        var attemptTimes = new List<long> { start };
        var delays = new List<int>();
        while (queue.Messages.TryDequeue(out (RetryWake Wake, long DueMs, int DelaySeconds) message))
        {
            delays.Add(message.DelaySeconds);
            clock.NowMs += message.DelaySeconds * 1000L;
            int before = receiver.Hooks.Count;
            JsonElement response = await HandleAsync(handler, SqsBatch(message.Wake));
            Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
            Assert.Equal(before + 1, receiver.Hooks.Count);
            attemptTimes.Add(clock.NowMs);
        }

        Assert.Equal([2, 4, 8, 16], delays);
        Assert.Equal([0L, 2_000, 6_000, 14_000, 30_000], attemptTimes.Select(t => t - start));
        OutboxEntry failed = Assert.Single(await store.ListAsync(OutboxState.Failed, 10, CancellationToken.None));
        Assert.Equal(5, failed.Attempts);
        Assert.Single(receiver.Hooks.Select(h => h.Headers["x-tracker-delivery"]).Distinct(StringComparer.Ordinal));

        // The sweep a minute later finds nothing left to send.
        clock.NowMs += 60_000;
        await HandleAsync(handler, "{}");
        Assert.Equal(5, receiver.Hooks.Count);
    }

    [DynaliteFact]
    public async Task AWebhookThatRecovers_IsDeliveredAtItsFirstRetry_TwoSecondsLater()
    {
        receiver.Clear();
        receiver.HookStatus = 503;
        (string batch, DynamoDbNotifyStore store, ManualClock clock) = await EventAsync();
        var queue = new RecordingQueue();
        var log = new StringWriter();
        NotifyHandler handler = Handler(store, clock, NotifyOptions.Default, queue, log);

        await HandleAsync(handler, batch);
        (RetryWake wake, long due, int delay) = Assert.Single(queue.Messages);
        Assert.Equal(2, delay);
        Assert.Equal(clock.NowMs + 2000, due);

        receiver.HookStatus = 204;
        clock.NowMs += 2000;
        await HandleAsync(handler, SqsBatch(wake));

        OutboxEntry delivered = Assert.Single(await store.ListAsync(OutboxState.Delivered, 10, CancellationToken.None));
        Assert.Equal(clock.NowMs, delivered.DeliveredMs);
        Assert.Equal(2, receiver.Hooks.Count);
        Assert.Contains("\"woken\":1", log.ToString(), StringComparison.Ordinal);
    }

    [DynaliteFact]
    public async Task AWakeUpThatIsStaleEarlyOrRepeated_SendsNothingExtra_AndALostWakeUpIsSentByTheSweep()
    {
        receiver.Clear();
        receiver.HookStatus = 503;
        (string batch, DynamoDbNotifyStore store, ManualClock clock) = await EventAsync();
        var queue = new RecordingQueue();
        var log = new StringWriter();
        NotifyHandler handler = Handler(store, clock, new NotifyOptions { MaxAttempts = 4 }, queue, log);

        await HandleAsync(handler, batch);
        Assert.True(queue.Messages.TryDequeue(out (RetryWake Wake, long DueMs, int DelaySeconds) first));

        // Early (a clock 1.5 s behind the due time): put back for the rest, nothing sent.
        clock.NowMs += 500;
        await HandleAsync(handler, SqsBatch(first.Wake));
        Assert.Single(receiver.Hooks);
        Assert.True(queue.Messages.TryDequeue(out (RetryWake Wake, long DueMs, int DelaySeconds) again));
        Assert.Equal(first.Wake, again.Wake);
        Assert.Equal(2, again.DelaySeconds); // 1.5 s rounded up: never early

        // Due: attempted once, even when SQS delivers the message twice (at least once) in one batch.
        clock.NowMs += 1500;
        await HandleAsync(handler, SqsBatch(again.Wake, again.Wake));
        Assert.Equal(2, receiver.Hooks.Count);
        Assert.Contains("\"stale\":1", log.ToString(), StringComparison.Ordinal);

        // The next wake-up is lost (SQS unreachable): the entry stays pending and the sweep sends it once overdue.
        Assert.True(queue.Messages.TryDequeue(out (RetryWake Wake, long DueMs, int DelaySeconds) lostOne));
        Assert.Equal(4, lostOne.DelaySeconds);
        queue.Failing = true;
        clock.NowMs += 4000;
        await HandleAsync(handler, SqsBatch(lostOne.Wake));
        Assert.Equal(3, receiver.Hooks.Count);
        Assert.Empty(queue.Messages);
        Assert.Contains("\"" + NotifyHandler.MetricWakesLost + "\":1", log.ToString(), StringComparison.Ordinal);
        clock.NowMs += 7999;
        await HandleAsync(handler, "{}");
        Assert.Equal(3, receiver.Hooks.Count); // not due yet (8 s backoff)
        clock.NowMs += 1;
        await HandleAsync(handler, "{}");
        Assert.Equal(4, receiver.Hooks.Count);
        Assert.Single(await store.ListAsync(OutboxState.Failed, 10, CancellationToken.None));

        // A wake-up for an entry that is done, or unknown, or malformed: dropped, nothing sent, no batch failure.
        int sent = receiver.Hooks.Count;
        JsonElement response = await HandleAsync(handler, SqsBatch(lostOne.Wake, new RetryWake(new string('a', 32), 1)));
        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        foreach (string body in new[] { string.Empty, "not json", "[]", "{\"deliveryId\":7,\"attempts\":1}", "{\"deliveryId\":\"" + new string('A', 32) + "\",\"attempts\":1}",
            "{\"deliveryId\":\"" + new string('a', 31) + "\",\"attempts\":1}", "{\"deliveryId\":\"" + new string('a', 32) + "\",\"attempts\":0}",
            "{\"deliveryId\":\"" + new string('a', 32) + "\",\"attempts\":1.5}", "{\"deliveryId\":\"" + new string('a', 32) + "\"}", new string('{', 5000) })
        {
            Assert.False(RetryWake.TryParse(body, out _), body);
            response = await HandleAsync(handler, "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m1\",\"body\":" + JsonSerializer.Serialize(body) + "}]}");
            Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        }

        Assert.Equal(sent, receiver.Hooks.Count);
    }

    [Fact]
    public void WakeUps_RoundTrip_AndTheirDelayIsWholeSecondsNeverEarlyAtMostFifteenMinutes()
    {
        var wake = new RetryWake(new string('0', 16) + "0123456789abcdef", 3);
        Assert.True(RetryWake.TryParse(wake.ToJson(), out RetryWake? read));
        Assert.Equal(wake, read);
        Assert.Equal(0, RetryWake.DelaySeconds(1000, 2000));
        Assert.Equal(0, RetryWake.DelaySeconds(1000, 1000));
        Assert.Equal(1, RetryWake.DelaySeconds(1001, 1000));
        Assert.Equal(2, RetryWake.DelaySeconds(3000, 1000));
        Assert.Equal(3, RetryWake.DelaySeconds(3001, 1000));
        Assert.Equal(600, RetryWake.DelaySeconds(600_000, 0));
        Assert.Equal(900, RetryWake.DelaySeconds(long.MaxValue / 2, 0));

        var random = new Random(16);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            string garbage = Encoding.UTF8.GetString(bytes);
            if (RetryWake.TryParse(garbage, out RetryWake? parsed))
            {
                Assert.Equal(32, parsed!.DeliveryId.Length);
            }

            // Truncations of a good message never parse to something else.
            string good = wake.ToJson();
            string cut = good[..random.Next(0, good.Length)];
            Assert.False(RetryWake.TryParse(cut, out _));
        }
    }

    [Fact]
    public async Task TheSqsClient_SendsOneSignedSendMessage_WithTheDelayAndTheWakeUp()
    {
        await using var sqs = new SqsStandIn();
        await sqs.StartAsync();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-06T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        var queueUrl = new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/tracker-dev-notify-retry-wakes");
        using var http = new HttpClient();
        var client = new SqsRetryQueue(http, sqs.BaseUrl, "eu-west-1", queueUrl, () => Keys, clock);
        OutboxEntry entry = new()
        {
            CarId = "car-0042", EventId = "e1", SubscriptionId = "ops", Channel = Channel.Webhook, Target = "https://hooks.example/x", Payload = "{}",
            Attempts = 2, NextAttemptMs = clock.NowMs + 4000,
        };

        Assert.Null(await client.ScheduleAsync(entry, clock.NowMs, CancellationToken.None));

        ReceivedRequest request = Assert.Single(sqs.Requests);
        Assert.Equal("/", request.Path);
        Assert.Equal(SqsRetryQueue.SendMessageTarget, request.Headers["x-amz-target"]);
        Assert.StartsWith("application/x-amz-json-1.0", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(ExpectedAuthorization(request, "sqs"), request.Headers["authorization"]);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal(queueUrl.AbsoluteUri, body.RootElement.GetProperty("QueueUrl").GetString());
        Assert.Equal(4, body.RootElement.GetProperty("DelaySeconds").GetInt32());
        Assert.True(RetryWake.TryParse(body.RootElement.GetProperty("MessageBody").GetString(), out RetryWake? wake));
        Assert.Equal(new RetryWake(entry.DeliveryId, 2), wake);

        // SQS refusing, or not there: the reason, never an exception (the sweep covers the retry).
        sqs.Status = 400;
        Assert.StartsWith("SQS answered HTTP 400: ", await client.ScheduleAsync(entry, clock.NowMs, CancellationToken.None), StringComparison.Ordinal);
        var gone = new SqsRetryQueue(http, new Uri("http://127.0.0.1:1/"), "eu-west-1", queueUrl, () => Keys, clock);
        Assert.StartsWith("could not reach SQS", await gone.ScheduleAsync(entry, clock.NowMs, CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_TakeTheRetryQueue_AndRefuseABadOne_NamingTheVariable()
    {
        var environment = new Dictionary<string, string>
        {
            [NotifySettings.SubscriptionsTableVariable] = "subs", [NotifySettings.OutboxTableVariable] = "outbox",
            [NotifySettings.RetryQueueUrlVariable] = "https://sqs.eu-west-1.amazonaws.com/123456789012/q", [NotifySettings.RegionVariable] = "eu-west-1",
        };
        NotifySettings settings = NotifySettings.Read(environment.GetValueOrDefault);
        Assert.Equal(new Uri("https://sqs.eu-west-1.amazonaws.com/"), settings.SqsEndpoint);
        Assert.Equal("eu-west-1", settings.Region);
        Assert.Null(NotifySettings.Read(new Dictionary<string, string> { [NotifySettings.SubscriptionsTableVariable] = "s", [NotifySettings.OutboxTableVariable] = "o" }.GetValueOrDefault).RetryQueueUrl);

        foreach ((string variable, string value) in new[]
        {
            (NotifySettings.RetryQueueUrlVariable, "not a url"), (NotifySettings.RetryQueueUrlVariable, "ftp://sqs/q"), (NotifySettings.RetryQueueUrlVariable, "https://sqs.eu-west-1.amazonaws.com/"),
            (NotifySettings.SqsEndpointVariable, "http://127.0.0.1:9/path"), (NotifySettings.RegionVariable, " "),
        })
        {
            var bad = new Dictionary<string, string>(environment) { [variable] = value };
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => NotifySettings.Read(bad.GetValueOrDefault));
            Assert.Contains(variable, e.Message, StringComparison.Ordinal);
        }
    }

    private static string SqsBatch(params RetryWake[] wakes) =>
        "{\"Records\":[" + string.Join(',', wakes.Select((w, i) => "{\"messageId\":\"m" + i + "\",\"eventSource\":\"aws:sqs\",\"body\":" + JsonSerializer.Serialize(w.ToJson()) + "}")) + "]}";

    /// <summary>SigV4 by its documented steps, computed here independently of the signer.</summary>
    private static string ExpectedAuthorization(ReceivedRequest request, string service)
    {
        const string signedHeaders = "host;x-amz-content-sha256;x-amz-date;x-amz-security-token";
        string canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => h + ":" + request.Headers[h].Trim() + "\n"));
        string canonical = "POST\n" + request.Path + "\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)));
        string date = request.Headers["x-amz-date"];
        string scope = date[..8] + "/eu-west-1/" + service + "/aws4_request";
        string toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + Keys.SecretKey);
        foreach (string part in new[] { date[..8], "eu-west-1", service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return "AWS4-HMAC-SHA256 Credential=" + Keys.AccessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
            + ", Signature=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private static async Task<JsonElement> HandleAsync(NotifyHandler handler, string evt)
    {
        using Stream output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        using JsonDocument document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    private static NotifyHandler Handler(DynamoDbNotifyStore store, ManualClock clock, NotifyOptions options, IRetryQueue queue, TextWriter? log = null)
    {
        var senders = new Dictionary<Channel, ISender> { [Channel.Webhook] = new WebhookSender(WebhookTargetPolicy.Local, store.SecretAsync, clock) };
        return new NotifyHandler(store, senders, options, clock, log ?? TextWriter.Null, "Tracker/test", queue);
    }

    private async Task<(string Batch, DynamoDbNotifyStore Store, ManualClock Clock)> EventAsync()
    {
        (string batch, DynamoDbNotifyStore store, ManualClock clock) = await NotifierFixture.GeofenceExitAsync(dynalite, new Subscription
        {
            Id = "ops", Name = "Ops", Types = [EventType.GeofenceExit], WebhookUrl = receiver.Hook, WebhookSecret = EventPathFixtures.Secret,
        });
        return (batch, store, clock);
    }

    /// <summary>Records each wake-up as SQS would hold it: the message and its delay.</summary>
    private sealed class RecordingQueue : IRetryQueue
    {
        public ConcurrentQueue<(RetryWake Wake, long DueMs, int DelaySeconds)> Messages { get; } = new();

        public bool Failing { get; set; }

        public Task<string?> ScheduleAsync(OutboxEntry entry, long nowMs, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                return Task.FromResult<string?>("could not reach SQS: stand-in down");
            }

            Messages.Enqueue((new RetryWake(entry.DeliveryId, entry.Attempts), entry.NextAttemptMs, RetryWake.DelaySeconds(entry.NextAttemptMs, nowMs)));
            return Task.FromResult<string?>(null);
        }
    }
}
