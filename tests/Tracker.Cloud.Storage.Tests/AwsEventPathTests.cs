using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Testing;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 16 on AWS, the functions as the bootstrap builds them from their environment, against dynalite: the API
/// function serves events, zones, limits, subscriptions and notifications over the DynamoDB stores (operators only),
/// and the ingest function stores status messages and runs them through Derive (an ignition-off status yields the event).
/// </summary>
public sealed class AwsEventPathTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Renter = "4c8e2a1f-renter-0001";
    private const string Car = "car-0042";

    [StoreFact]
    public async Task Operator_ManagesZonesLimitsAndSubscriptions_ThroughTheApiFunction_OnDynamoDb()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, _) = await FunctionsAsync(client);

        var (put, zone) = await CallAsync(api, "/zones/depot", "PUT", """{"name":"Depot","returnZone":true,"circle":{"lat":52.3812,"lon":4.9,"radiusM":150}}""");
        Assert.Equal(200, put);
        Assert.Equal("depot", (string?)zone["id"]);
        var (listed, zones) = await CallAsync(api, "/zones");
        Assert.Equal(200, listed);
        Assert.Single(zones["zones"]!.AsArray());
        var (badZone, problem) = await CallAsync(api, "/zones/far", "PUT", """{"name":"Far","circle":{"lat":95,"lon":4.9,"radiusM":150}}""");
        Assert.Equal(400, badZone);
        Assert.Contains("lat", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(200, (await CallAsync(api, "/limits", "PUT", """{"scope":"car","id":"car-0042","overspeedKmh":90}""")).Status);
        Assert.Equal(200, (await CallAsync(api, "/limits", "PUT", """{"scope":"fleet","overspeedKmh":120}""")).Status);
        var (limitsRead, limits) = await CallAsync(api, "/limits");
        Assert.Equal(200, limitsRead);
        Assert.Equal(2, limits["limits"]!.AsArray().Count);
        Assert.Equal(400, (await CallAsync(api, "/limits", "PUT", """{"scope":"car","id":"car/+","overspeedKmh":50}""")).Status);
        Assert.Equal(200, (await CallAsync(api, "/limits", "PUT", """{"scope":"car","id":"car-0042"}""")).Status);
        Assert.Single((await CallAsync(api, "/limits")).Body["limits"]!.AsArray());

        string secret = new('s', 32);
        var (subscribed, subscription) = await CallAsync(api, "/subscriptions/ops", "PUT", "{\"name\":\"Ops\",\"types\":[\"ignition-off\"],\"webhook\":{\"url\":\"https://hooks.example.com/tracker\",\"secret\":\"" + secret + "\"}}");
        Assert.Equal(200, subscribed);
        Assert.DoesNotContain(secret, subscription.ToJsonString(), StringComparison.Ordinal);
        var (loopback, refused) = await CallAsync(api, "/subscriptions/ssrf", "PUT", "{\"name\":\"SSRF\",\"webhook\":{\"url\":\"http://127.0.0.1:9000/x\",\"secret\":\"" + secret + "\"}}");
        Assert.Equal(400, loopback);
        Assert.Contains("webhook", refused.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var (subscriptionsRead, subscriptions) = await CallAsync(api, "/subscriptions");
        Assert.Equal(200, subscriptionsRead);
        Assert.Equal("ops", (string?)subscriptions["subscriptions"]!.AsArray().Single()!["id"]);
        Assert.True((bool)subscriptions["subscriptions"]![0]!["enabled"]!);

        // The web app's edit: paused, and no secret sent, so the stored one is kept (the API never shows it).
        var (edited, editedBody) = await CallAsync(api, "/subscriptions/ops", "PUT", "{\"name\":\"Ops paused\",\"webhook\":{\"url\":\"https://hooks.example.com/tracker\"},\"enabled\":false}");
        Assert.Equal(200, edited);
        Assert.False((bool)editedBody["enabled"]!);
        Assert.DoesNotContain(secret, editedBody.ToJsonString(), StringComparison.Ordinal);
        Assert.False((bool)(await CallAsync(api, "/subscriptions")).Body["subscriptions"]![0]!["enabled"]!);
        var (noSecret, noSecretBody) = await CallAsync(api, "/subscriptions/fresh", "PUT", "{\"name\":\"Fresh\",\"webhook\":{\"url\":\"https://hooks.example.com/tracker\"}}");
        Assert.Equal(400, noSecret); // a new webhook has no stored secret to keep
        Assert.Contains("secret of 16 to 256", noSecretBody.ToJsonString(), StringComparison.Ordinal);
        var (failedRead, failed) = await CallAsync(api, "/notifications", query: new() { ["state"] = "failed" });
        Assert.Equal(200, failedRead);
        Assert.Empty(failed["notifications"]!.AsArray());
        Assert.Equal(204, (await CallAsync(api, "/subscriptions/ops", "DELETE")).Status);
        Assert.Equal(204, (await CallAsync(api, "/zones/depot", "DELETE")).Status);
        Assert.Equal(404, (await CallAsync(api, "/zones/depot", "DELETE")).Status);
    }

    [StoreFact]
    public async Task Renter_IsForbidden_EveryEventRoute_OnAws()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, _) = await FunctionsAsync(client);
        (string Path, string Method)[] routes =
        [
            ("/events", "GET"), ("/cars/car-0042/events", "GET"), ("/zones", "GET"), ("/zones/depot", "PUT"), ("/limits", "GET"),
            ("/limits", "PUT"), ("/subscriptions", "GET"), ("/subscriptions/ops", "PUT"), ("/notifications", "GET"),
        ];
        foreach ((string path, string method) in routes)
        {
            var (status, problem) = await CallAsync(api, path, method, method == "PUT" ? "{}" : null, LambdaEvents.Claims(Renter, "renters"));
            Assert.True(status == 403, method + " " + path + ": " + status);
            Assert.Equal(403, (int)problem["status"]!);
        }
    }

    [StoreFact]
    public async Task IgnitionOffStatus_ThroughIngest_IsStoredAndYieldsTheEvent_ListedByTheApi()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, IngestFunction ingest) = await FunctionsAsync(client);
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        JsonObject on = await IngestAsync(ingest, Status(IgnitionState.On, nowS - 120), "tracker/" + Car + "/status", Car, (nowS - 120) * 1000);
        Assert.Equal("stored", (string?)on["outcome"]);
        Assert.Equal(1, (int)on["accepted"]!);
        JsonObject off = await IngestAsync(ingest, Status(IgnitionState.Off, nowS - 60), "tracker/" + Car + "/status", Car, (nowS - 60) * 1000);
        Assert.Equal("stored", (string?)off["outcome"]);

        // Re-delivered: stored once, and no second event.
        JsonObject again = await IngestAsync(ingest, Status(IgnitionState.Off, nowS - 60), "tracker/" + Car + "/status", Car, (nowS - 60) * 1000);
        Assert.Equal(0, (int)again["accepted"]!);

        var (status, page) = await CallAsync(api, "/cars/" + Car + "/events", query: new() { ["type"] = "ignition-off" });
        Assert.Equal(200, status);
        JsonNode e = Assert.Single(page["events"]!.AsArray())!;
        Assert.Equal((nowS - 60) * 1000, (long)e["ts"]!);
        // The first status only tells the state: no ignition-on for it.
        Assert.Empty((await CallAsync(api, "/cars/" + Car + "/events", query: new() { ["type"] = "ignition-on" })).Body["events"]!.AsArray());
    }

    [StoreFact]
    public async Task IgnitionOffStatus_ThroughIngest_IsPublishedToTheCarsEventsTopic_AndAFailedPublishLosesNothing()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        await using var iot = new LoopbackIotDataPlane();
        var log = new StringWriter();
        var feed = new Tracker.Cloud.Lambda.Live.IotEventPublisher(
            new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
            new Tracker.Cloud.Lambda.Live.IotDataPlaneSigner(iot.Endpoint, "eu-west-1", () => new Amazon.Runtime.ImmutableCredentials("AKIDEXAMPLE", "secret", string.Empty), TimeProvider.System),
            log);
        (ApiFunction api, IngestFunction ingest) = await FunctionsAsync(client, feed);
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await IngestAsync(ingest, Status(IgnitionState.On, nowS - 120), "tracker/" + Car + "/status", Car, (nowS - 120) * 1000);
        Assert.Empty(iot.Published); // the first status only tells the state
        JsonObject off = await IngestAsync(ingest, Status(IgnitionState.Off, nowS - 60), "tracker/" + Car + "/status", Car, (nowS - 60) * 1000);
        Assert.Equal("stored", (string?)off["outcome"]);

        (string topic, string body) = Assert.Single(iot.Published);
        Assert.Equal("fleet/" + Car + "/events", topic);
        JsonObject published = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("ignition-off", (string?)published["type"]);
        JsonNode listed = Assert.Single((await CallAsync(api, "/cars/" + Car + "/events", query: new() { ["type"] = "ignition-off" })).Body["events"]!.AsArray())!;
        Assert.Equal((string?)listed["id"], (string?)published["id"]);

        // IoT Core refusing: the ingest still succeeds, the event is stored and listed, the failure is logged.
        iot.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;
        JsonObject on = await IngestAsync(ingest, Status(IgnitionState.On, nowS - 30), "tracker/" + Car + "/status", Car, (nowS - 30) * 1000);
        Assert.Equal("stored", (string?)on["outcome"]);
        Assert.Single((await CallAsync(api, "/cars/" + Car + "/events", query: new() { ["type"] = "ignition-on" })).Body["events"]!.AsArray());
        Assert.Contains("eventPublishFailed", log.ToString(), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task MalformedStatusMessages_AreRefusedWithTheirReason_AndStoreNothing()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        (ApiFunction api, IngestFunction ingest) = await FunctionsAsync(client);
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        byte[] valid = Status(IgnitionState.Off, nowS);
        (byte[] Payload, string Topic, string Reason)[] cases =
        [
            (Encoding.ASCII.GetBytes("offlin"), "tracker/car-0042/status", "notStatus"),
            (Encoding.ASCII.GetBytes("offline!"), "tracker/car-0042/status", "notStatus"),
            ([0x02, 0x01], "tracker/car-0042/status", "notStatus"),
            ([], "tracker/car-0042/status", "notStatus"),
            (valid[..(valid.Length - 1)], "tracker/car-0042/status", "notStatus"),
            (valid, "tracker/car-0043/status", "foreignCar"),
            (valid, "tracker/car+0042/status", "badTopic"),
            (valid, "tracker/car-0042/extra/status", "badTopic"),
        ];
        foreach ((byte[] payload, string topic, string reason) in cases)
        {
            JsonObject summary = await IngestAsync(ingest, payload, topic, Car, nowS * 1000);
            Assert.True((string?)summary["outcome"] == "rejected" && (string?)summary["reason"] == reason, topic + " " + Convert.ToHexString(payload) + ": " + summary.ToJsonString());
        }

        Assert.Empty((await CallAsync(api, "/events")).Body["events"]!.AsArray());
    }

    [StoreFact]
    public async Task LimitStore_SkipsItemsItDidNotWrite_AndAnEmptySettingRemovesOne()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        string table = "l" + Guid.NewGuid().ToString("N")[..12] + "-limits";
        await DynamoDbLimitStore.EnsureCreatedAsync(client, table, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbLimitStore(client, table);

        await store.PutLimitAsync(new LimitSetting(LimitScope.Car, "car-0042", 25_000, 300_000, null), CancellationToken.None);
        await client.PutItemAsync(table, new Dictionary<string, AttributeValue> { [DynamoDbLimitStore.KeyAttribute] = new() { S = "car:x" }, ["body"] = new() { S = "{not json" } });
        await client.PutItemAsync(table, new Dictionary<string, AttributeValue> { [DynamoDbLimitStore.KeyAttribute] = new() { S = "car:y" } });
        await client.PutItemAsync(table, new Dictionary<string, AttributeValue> { [DynamoDbLimitStore.KeyAttribute] = new() { S = "car:z" }, ["body"] = new() { S = """{"scope":"fleet","overspeedKmh":100}""" } });

        LimitSetting only = Assert.Single(await store.ListLimitsAsync(CancellationToken.None));
        Assert.Equal(new LimitSetting(LimitScope.Car, "car-0042", 25_000, 300_000, null), only);

        await store.PutLimitAsync(new LimitSetting(LimitScope.Car, "car-0042", null, null, null), CancellationToken.None);
        Assert.Empty(await store.ListLimitsAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(true, false, "TRACKER_OUTBOX_TABLE")]
    [InlineData(false, true, "TRACKER_SUBSCRIPTIONS_TABLE")]
    public void OneOfTheNotifierTables_FailsTheApiStart_NamingBoth(bool subscriptions, bool outbox, string named)
    {
        var environment = new Dictionary<string, string>(Tables("x"));
        if (subscriptions)
        {
            environment[NotifySettings.SubscriptionsTableVariable] = "x-subscriptions";
        }

        if (outbox)
        {
            environment[NotifySettings.OutboxTableVariable] = "x-outbox";
        }

        using var client = new AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9" });
        var e = Assert.Throws<InvalidOperationException>(() => new ApiFunction(FunctionSettings.Read(environment.GetValueOrDefault), client, environment.GetValueOrDefault));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limits", false, "Derive stage")]
    [InlineData("x-zones", true, "TRACKER_LIMITS_TABLE")]
    [InlineData("a/b", true, "TRACKER_LIMITS_TABLE")]
    public void BadLimitsTable_FailsTheStart_NamingTheVariable(string limits, bool withDerive, string named)
    {
        var environment = withDerive ? new Dictionary<string, string>(Tables("x")) : new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = "x-fixes",
            [FunctionSettings.LatestTableVariable] = "x-latest",
            [FunctionSettings.RentalsTableVariable] = "x-rentals",
        };
        environment[FunctionSettings.LimitsTableVariable] = limits;
        var e = Assert.Throws<InvalidOperationException>(() => FunctionSettings.Read(environment.GetValueOrDefault));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Tables(string prefix)
    {
        var tables = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = prefix + "-fixes",
            [FunctionSettings.LatestTableVariable] = prefix + "-latest",
            [FunctionSettings.RentalsTableVariable] = prefix + "-rentals",
        };
        string[] derive = ["-state", "-events", "-statuses", "-zones"];
        for (int i = 0; i < derive.Length; i++)
        {
            tables[FunctionSettings.DeriveTableVariables[i]] = prefix + derive[i];
        }

        return tables;
    }

    [StoreFact]
    public async Task Notifications_ArePagedByCursor_NewestFirst_AndAFailedOneRedelivered_ThroughTheApiFunction_OnDynamoDb()
    {
        using AmazonDynamoDBClient client = server.CreateClient();
        string prefix = "e" + Guid.NewGuid().ToString("N")[..12];
        (ApiFunction api, _) = await FunctionsAsync(client, prefix: prefix);
        var outbox = new DynamoDbNotifyStore(client, prefix + "-subscriptions", prefix + "-outbox");
        var entries = Enumerable.Range(0, 7).Select(i => new Tracker.Cloud.Notify.Outbox.OutboxEntry
        {
            CarId = "car-" + (i % 3), EventId = "overspeed-" + i, SubscriptionId = "ops", Channel = Tracker.Cloud.Notify.Outbox.Channel.Webhook,
            Target = "https://hooks.example.com/x", Payload = "{}", State = Tracker.Cloud.Notify.Outbox.OutboxState.Failed, Attempts = 10,
            LastError = "HTTP 500", CreatedMs = 1_700_000_000_000 + ((i / 2) * 1000), NextAttemptMs = 1_700_000_000_000,
        }).ToList();
        await outbox.AnnounceAsync([], entries, CancellationToken.None);

        var listed = new List<string>();
        var times = new List<long>();
        string? cursor = null;
        int pages = 0;
        do
        {
            Dictionary<string, string> query = new() { ["state"] = "failed", ["limit"] = "3" };
            if (cursor is not null)
            {
                query["cursor"] = cursor;
            }

            var (status, page) = await CallAsync(api, "/notifications", query: query);
            Assert.Equal(200, status);
            foreach (JsonNode? n in page["notifications"]!.AsArray())
            {
                listed.Add((string)n!["deliveryId"]!);
                times.Add((long)n["createdMs"]!);
                Assert.Equal("HTTP 500", (string?)n["lastError"]);
            }

            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(entries.Select(e => e.DeliveryId).Order(), listed.Order());
        Assert.Equal(times.OrderDescending(), times);
        Assert.Equal(400, (await CallAsync(api, "/notifications", query: new() { ["state"] = "failed", ["cursor"] = "garbage" })).Status);
        Assert.Equal(400, (await CallAsync(api, "/notifications", query: new() { ["state"] = "failed", ["limit"] = "0" })).Status);
        Assert.Equal(400, (await CallAsync(api, "/notifications", query: new() { ["page"] = "2" })).Status);

        // A redelivery: the failed entry is pending again, due now, in the due index the notifier's sweep reads; only once.
        var (redelivered, entry) = await CallAsync(api, "/notifications/" + entries[4].DeliveryId + "/redeliver", "POST");
        Assert.Equal(200, redelivered);
        Assert.Equal("pending", (string?)entry["state"]);
        Assert.Equal(0, (int)entry["attempts"]!);
        Assert.Equal(entries[4].DeliveryId, Assert.Single(await outbox.DueAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000, 10, CancellationToken.None)).DeliveryId);
        Assert.Equal(404, (await CallAsync(api, "/notifications/" + entries[4].DeliveryId + "/redeliver", "POST")).Status);
        Assert.Equal(400, (await CallAsync(api, "/notifications/not-an-id/redeliver", "POST")).Status);
        Assert.Equal(405, (await CallAsync(api, "/notifications/" + entries[3].DeliveryId + "/redeliver")).Status);
        Assert.Equal(6, (await CallAsync(api, "/notifications", query: new() { ["state"] = "failed" })).Body["notifications"]!.AsArray().Count);
    }

    private static async Task<(ApiFunction Api, IngestFunction Ingest)> FunctionsAsync(AmazonDynamoDBClient client, Tracker.Cloud.Lambda.Live.IotEventPublisher? feed = null, string? prefix = null)
    {
        prefix ??= "e" + Guid.NewGuid().ToString("N")[..12];
        Dictionary<string, string> environment = Tables(prefix);
        environment[FunctionSettings.LimitsTableVariable] = prefix + "-limits";
        environment[NotifySettings.SubscriptionsTableVariable] = prefix + "-subscriptions";
        environment[NotifySettings.OutboxTableVariable] = prefix + "-outbox";
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbDeriveTables.EnsureCreatedAsync(client, settings.Derive!, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbLimitStore.EnsureCreatedAsync(client, settings.LimitsTable!, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbNotifyStore.EnsureCreatedAsync(client, prefix + "-subscriptions", prefix + "-outbox", CancellationToken.None);
        return (new ApiFunction(settings, client, environment.GetValueOrDefault), new IngestFunction(settings, client, feed));
    }

    private static async Task<(int Status, JsonObject Body)> CallAsync(ApiFunction api, string path, string method = "GET", string? body = null, object? claims = null, Dictionary<string, string>? query = null)
    {
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, query, claims ?? LambdaEvents.Claims(Operator, "operators"), method))!.AsObject();
        if (body is not null)
        {
            evt["body"] = body;
            evt["isBase64Encoded"] = false;
        }

        using Stream output = await api.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        string text = (string?)response["body"] ?? string.Empty;
        return ((int)response["statusCode"]!, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }

    private static async Task<JsonObject> IngestAsync(IngestFunction ingest, byte[] payload, string topic, string clientId, long receivedAtMs)
    {
        using Stream output = await ingest.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(LambdaEvents.Iot(payload, topic, clientId, receivedAtMs))), CancellationToken.None);
        return (JsonObject)JsonNode.Parse(output)!;
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
