using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using MQTTnet;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>The Derive stage in the running host: a car's batches and statuses through the broker become events the API lists.</summary>
public sealed class DeriveTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ACarLeavingAZone_AndSwitchingItsIgnition_GivesEventsTheOperatorLists_AndARenterCannot()
    {
        string ops = await fixture.LoginAsync("ops");
        long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Fix[] drive = LocalHostFixture.Drive(60, end, lonOffsetE7: 3_000_000);
        decimal lat = drive[0].LatE7 / 10_000_000m;
        decimal lon = drive[0].LonE7 / 10_000_000m;
        string zone = "{\"name\":\"Depot 21\",\"circle\":{\"lat\":" + lat.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ",\"lon\":" + lon.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"radiusM\":200}}";
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/zones/depot-21", ops, zone));

        using MqttNetLink car = fixture.CarLink("car-0021");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0021", 60, null, null, true)));
        await PublishAsync(car, "tracker/car-0021/status", Status(IgnitionState.Off, (drive[0].TimeMs / 1000) - 60));
        await PublishAsync(car, "tracker/car-0021/status", Status(IgnitionState.On, (drive[0].TimeMs / 1000) - 30));
        byte[] batch = LocalHostFixture.Encode(drive);
        await PublishAsync(car, "tracker/car-0021/fixes", batch);
        await fixture.Host.WhenDerivedAsync(CancellationToken.None);

        var (status, body) = await fixture.GetAsync("/cars/car-0021/events", ops);
        Assert.Equal(200, status);
        JsonArray events = body!["events"]!.AsArray();
        JsonNode exit = events.Single(e => (string?)e!["type"] == "geofence-exit")!;
        Assert.Equal("depot-21", (string?)exit["subject"]);

        // 900e-7 degree (10.0 m) a second north: 200.2 m out at the 21st fix, the first outside.
        Assert.Equal(drive[20].TimeMs, (long)exit["ts"]!);
        Assert.Contains(events, e => (string?)e!["type"] == "ignition-on");

        // The batch again (a car's resend after a lost PUBACK): nothing new.
        await PublishAsync(car, "tracker/car-0021/fixes", batch);
        await fixture.Host.WhenDerivedAsync(CancellationToken.None);
        var (_, again) = await fixture.GetAsync("/cars/car-0021/events", ops);
        Assert.Equal(events.Count, again!["events"]!.AsArray().Count);

        string renter = await fixture.LoginAsync("renter1");
        var (forbidden, _) = await fixture.GetAsync("/events", renter);
        Assert.Equal(403, forbidden);
        car.Disconnect();
    }

    [Fact]
    public async Task ACarsLocation_ShowsTheOdometerDeriveCounted_NotOneIngestStored()
    {
        string ops = await fixture.LoginAsync("ops");
        Fix[] drive = LocalHostFixture.Drive(60, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), lonOffsetE7: 4_000_000);
        using MqttNetLink car = fixture.CarLink("car-0024");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0024", 60, null, null, true)));
        await PublishAsync(car, "tracker/car-0024/fixes", LocalHostFixture.Encode(drive));
        await fixture.Host.WhenDerivedAsync(CancellationToken.None);

        // 59 steps of 10.0 m north, in a trip in progress: Derive's odometer at the newest fix, on the latest position.
        var (status, location) = await fixture.GetAsync("/cars/car-0024/location", ops);
        Assert.Equal(200, status);
        Assert.Equal(drive[^1].TimeMs, (long)location!["ts"]!);
        Assert.InRange((long)location["odometerM"]!, 580, 600);
        car.Disconnect();
    }

    [Fact]
    public async Task ASubscribedWebhook_GetsTheSignedEvent_AndAnUnreachableOneShowsItsError()
    {
        const string Secret = "local-webhook-secret-1";
        var received = new ConcurrentQueue<(string Signature, string Timestamp, string Body)>();
        using var receiver = new LoopbackHttpServer(async context =>
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            received.Enqueue((context.Request.Headers["X-Tracker-Signature"] ?? string.Empty, context.Request.Headers["X-Tracker-Timestamp"] ?? string.Empty, await reader.ReadToEndAsync()));
            context.Response.StatusCode = 204;
        });
        string ops = await fixture.LoginAsync("ops");
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/subscriptions/ops-22", ops,
            "{\"name\":\"Ops\",\"types\":[\"geofence-exit\"],\"cars\":[\"car-0022\"],\"webhook\":{\"url\":\"" + receiver.Origin + "/hook\",\"secret\":\"" + Secret + "\"}}"));
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/subscriptions/dead-22", ops,
            "{\"name\":\"Dead\",\"cars\":[\"car-0022\"],\"webhook\":{\"url\":\"http://127.0.0.1:" + FreePort.OnLoopback() + "/hook\",\"secret\":\"" + Secret + "\"}}"));
        Assert.Equal(400, await SendAsync(HttpMethod.Put, "/subscriptions/bad-22", ops, "{\"name\":\"Bad\",\"webhook\":{\"url\":\"ftp://x\",\"secret\":\"short\"}}"));

        Fix[] drive = LocalHostFixture.Drive(60, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), lonOffsetE7: 4_000_000);
        string zone = "{\"name\":\"Depot 22\",\"circle\":{\"lat\":" + (drive[0].LatE7 / 10_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ",\"lon\":" + (drive[0].LonE7 / 10_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"radiusM\":200}}";
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/zones/depot-22", ops, zone));
        using MqttNetLink car = fixture.CarLink("car-0022");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0022", 60, null, null, true)));
        await PublishAsync(car, "tracker/car-0022/fixes", LocalHostFixture.Encode(drive));

        Assert.True(await Poll.UntilAsync(() => !received.IsEmpty, Wait), "no webhook delivery");
        (string signature, string timestamp, string body) = Assert.Single(received);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + body))), signature);
        Assert.Equal("geofence-exit", (string?)JsonNode.Parse(body)!["type"]);

        JsonArray? pending = null;
        Assert.True(await Poll.UntilAsync(async () =>
        {
            var (_, list) = await fixture.GetAsync("/notifications?state=pending", ops);
            pending = list?["notifications"]?.AsArray();
            return pending?.Any(n => (string?)n!["subscriptionId"] == "dead-22" && n["lastError"] is not null) == true;
        }, Wait), "the unreachable webhook's error is not shown");
        car.Disconnect();
    }

    [Fact]
    public async Task AStoredEvent_ReachesOperatorsLive_AndNeverARenter_EvenOfTheCarTheyRent()
    {
        var opsSeen = new ConcurrentQueue<(string Topic, string Json)>();
        var renterSeen = new ConcurrentQueue<string>();
        var (opsViewer, _) = await fixture.ViewerAsync("ops", await fixture.LoginAsync("ops"));
        using IMqttClient opsClient = opsViewer;
        opsViewer.ApplicationMessageReceivedAsync += e =>
        {
            opsSeen.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            return Task.CompletedTask;
        };
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, (await opsViewer.SubscribeAsync("fleet/+/events")).Items.Single().ResultCode);

        // renter1 rents car-0001 now: they may watch its fixes, but its events are the fleet's.
        var (renterViewer, _) = await fixture.ViewerAsync("renter1", await fixture.LoginAsync("renter1"));
        using IMqttClient renterClient = renterViewer;
        renterViewer.ApplicationMessageReceivedAsync += e =>
        {
            renterSeen.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        MqttClientSubscribeResult events = await renterViewer.SubscribeAsync("fleet/car-0001/events");
        MqttClientSubscribeResult all = await renterViewer.SubscribeAsync("fleet/+/events");
        Assert.True((int)events.Items.Single().ResultCode >= 0x80, "granted: " + events.Items.Single().ResultCode);
        Assert.True((int)all.Items.Single().ResultCode >= 0x80, "granted: " + all.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, (await renterViewer.SubscribeAsync("fleet/car-0001/status")).Items.Single().ResultCode);

        using MqttNetLink car = fixture.CarLink("car-0001");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0001", 60, null, null, true)));
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PublishAsync(car, "tracker/car-0001/status", Status(IgnitionState.Off, nowS - 20));
        await PublishAsync(car, "tracker/car-0001/status", Status(IgnitionState.On, nowS - 10));

        Assert.True(await Poll.UntilAsync(() => opsSeen.Any(m => m.Topic == "fleet/car-0001/events" && m.Json.Contains("\"type\":\"ignition-on\"", StringComparison.Ordinal)), Wait), "the operator got no live event");
        JsonNode live = JsonNode.Parse(opsSeen.First(m => m.Json.Contains("ignition-on", StringComparison.Ordinal)).Json)!;
        Assert.Equal("car-0001", (string?)live["carId"]);
        Assert.False((bool)live["late"]!);

        // The renter got the car's status, and not one event.
        Assert.True(await Poll.UntilAsync(() => renterSeen.Contains("fleet/car-0001/status"), Wait), "the renter got no status");
        Assert.DoesNotContain(renterSeen, t => t.EndsWith("/events", StringComparison.Ordinal));
        car.Disconnect();
    }

    [Fact]
    public async Task ACarsOwnOverspeedThreshold_SetThroughTheApi_GivesItsEvent_AndBadSettingsAreRefusedWithTheReason()
    {
        string ops = await fixture.LoginAsync("ops");
        Assert.Equal(400, await SendAsync(HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\",\"overspeedKmh\":5}"));
        Assert.Equal(400, await SendAsync(HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car/+\",\"overspeedKmh\":50}"));
        string renter = await fixture.LoginAsync("renter1");
        Assert.Equal(403, await SendAsync(HttpMethod.Put, "/limits", renter, "{\"scope\":\"car\",\"id\":\"car-0001\",\"overspeedKmh\":300}"));
        var (renterList, _) = await fixture.GetAsync("/limits", renter);
        Assert.Equal(403, renterList);

        // The host has no fleet threshold: only car-0023's own (20 km/h) makes its 36 km/h an overspeed.
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\",\"overspeedKmh\":20}"));
        var (listed, limits) = await fixture.GetAsync("/limits", ops);
        Assert.Equal(200, listed);
        Assert.Contains(limits!["limits"]!.AsArray(), l => (string?)l!["id"] == "car-0023" && (int)l["overspeedKmh"]! == 20);
        using MqttNetLink car = fixture.CarLink("car-0023");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0023", 60, null, null, true)));
        await PublishAsync(car, "tracker/car-0023/fixes", LocalHostFixture.Encode(LocalHostFixture.Drive(40, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), lonOffsetE7: 5_000_000)));
        await fixture.Host.WhenDerivedAsync(CancellationToken.None);

        var (_, events) = await fixture.GetAsync("/cars/car-0023/events?type=overspeed", ops);
        JsonNode overspeed = Assert.Single(events!["events"]!.AsArray())!;
        Assert.Equal(5556, (int)overspeed["limitMmps"]!);

        // A setting with no value removes it.
        Assert.Equal(200, await SendAsync(HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\"}"));
        var (_, after) = await fixture.GetAsync("/limits", ops);
        Assert.DoesNotContain(after!["limits"]!.AsArray(), l => (string?)l!["id"] == "car-0023");
        car.Disconnect();
    }

    internal static byte[] Status(IgnitionState ignition, long utcS)
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

    internal static async Task PublishAsync(MqttNetLink car, string topic, byte[] payload)
    {
        Assert.Equal(LinkResult.Ok, car.Publish(topic, payload, 0, payload.Length, 1, out int id));
        int acked = 0;
        bool delivered = false;
        Assert.True(await Poll.UntilAsync(() => car.TryTakeCompletion(out acked, out delivered), Wait), "timed out waiting for the PUBACK");
        Assert.Equal(id, acked);
        Assert.True(delivered);
    }

    private async Task<int> SendAsync(HttpMethod method, string path, string token, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await fixture.Http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
