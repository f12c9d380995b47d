using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>The embedded broker with real clients: cars over mutual TLS, browsers over WebSocket.</summary>
public sealed class BrokerTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CarBatch_IsStoredBeforeItsPubAck_AndTheApiServesIt()
    {
        using MqttNetLink car = fixture.CarLink("car-0011");
        Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0011")));
        var fixes = LocalHostFixture.Drive(5, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-0011/fixes", LocalHostFixture.Encode(fixes), 0, LocalHostFixture.Encode(fixes).Length, 1, out int id));
        (int acked, bool delivered) = await CompletionAsync(car);

        Assert.Equal(id, acked);
        Assert.True(delivered);
        // The PUBACK came after ingest: the store already has every fix, with no wait.
        FixPage page = await fixture.Host.Store.QueryAsync("car-0011", 0, long.MaxValue, 100, null, CancellationToken.None);
        Assert.Equal(fixes.Select(f => f.TimeMs), page.Fixes.Select(f => f.Ts));
        string token = await fixture.LoginAsync("ops");
        var (status, body) = await fixture.GetAsync("/cars/car-0011/location", token);
        Assert.Equal(200, status);
        Assert.Equal(fixes[^1].TimeMs, (long)body!["ts"]!);
    }

    [Fact]
    public async Task Car_PublishingAsAnotherCar_IsDisconnected_AndNothingIsStored()
    {
        using MqttNetLink car = fixture.CarLink("car-0012");
        Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0012")));
        byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(3, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        car.Publish("tracker/car-0013/fixes", batch, 0, batch.Length, 1, out _);
        (_, bool delivered) = await CompletionAsync(car);

        Assert.False(delivered);
        await WaitUntilAsync(() => !car.IsConnected);
        Assert.Null(await fixture.Host.Store.GetLatestAsync("car-0013", CancellationToken.None));
        Assert.True(fixture.Host.Metrics.Refused.GetValueOrDefault("device-topic") >= 1);
    }

    [Fact]
    public void Car_WhoseClientIdIsNotItsCertificate_IsRefused()
    {
        using MqttNetLink car = fixture.CarLink("car-0014");

        LinkResult result = car.Connect(Connect("car-0015"));

        Assert.NotEqual(LinkResult.Ok, result);
        Assert.False(car.IsConnected);
    }

    [Fact]
    public void Car_WithARevokedCertificate_CannotConnect()
    {
        using (MqttNetLink before = fixture.CarLink("car-0016"))
        {
            Assert.Equal(LinkResult.Ok, before.Connect(Connect("car-0016")));
            before.Disconnect();
        }

        Tracker.Provisioning.Bundles.DeviceIdentities.Revoke(fixture.Host.Pki.FleetCa, "car-0016");
        using MqttNetLink after = fixture.CarLink("car-0016");

        Assert.NotEqual(LinkResult.Ok, after.Connect(Connect("car-0016")));
    }

    [Fact]
    public async Task Operator_SeesEveryCarsBatchLive_VerbatimOnTheFleetTopic()
    {
        string token = await fixture.LoginAsync("ops");
        var (viewer, connected) = await fixture.ViewerAsync("ops", token);
        using IMqttClient viewerClient = viewer;
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        MqttClientSubscribeResult sub = await viewer.SubscribeAsync("fleet/+/fixes");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, sub.Items.Single().ResultCode);

        using MqttNetLink car = fixture.CarLink("car-0017");
        Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0017")));
        byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(2, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        car.Publish("tracker/car-0017/fixes", batch, 0, batch.Length, 1, out _);

        await WaitUntilAsync(() => received.Any(m => m.Topic == "fleet/car-0017/fixes"));
        Assert.Equal(batch, received.First(m => m.Topic == "fleet/car-0017/fixes").Payload);
    }

    [Fact]
    public async Task Viewer_GetsEachBatchOnce_HoweverManyFiltersMatch_AndNothingAfterUnsubscribing()
    {
        // The live feed goes straight to the viewers' sessions (LiveFanout), not through MQTTnet's dispatch: it must
        // still follow the subscriptions as MQTTnet would, one delivery a message, none after the last filter goes.
        string token = await fixture.LoginAsync("ops");
        var (watcher, _) = await fixture.ViewerAsync("ops", token);
        var (witness, _) = await fixture.ViewerAsync("ops", token);
        using IMqttClient watcherClient = watcher;
        using IMqttClient witnessClient = witness;
        var seen = new ConcurrentQueue<byte[]>();
        var witnessed = new ConcurrentQueue<byte[]>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == "fleet/car-0031/fixes")
            {
                seen.Enqueue(e.ApplicationMessage.Payload.ToArray());
            }

            return Task.CompletedTask;
        };
        witness.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == "fleet/car-0031/fixes")
            {
                witnessed.Enqueue(e.ApplicationMessage.Payload.ToArray());
            }

            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync("fleet/+/fixes");
        await watcher.SubscribeAsync("fleet/car-0031/fixes");
        await witness.SubscribeAsync("fleet/#");
        using MqttNetLink car = fixture.CarLink("car-0031");
        Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0031")));
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] first = LocalHostFixture.Encode(LocalHostFixture.Drive(2, start - 180_000));
        byte[] second = LocalHostFixture.Encode(LocalHostFixture.Drive(2, start - 120_000));
        byte[] third = LocalHostFixture.Encode(LocalHostFixture.Drive(2, start - 60_000));

        car.Publish("tracker/car-0031/fixes", first, 0, first.Length, 1, out _);
        await WaitUntilAsync(() => witnessed.Count == 1);
        await watcher.UnsubscribeAsync("fleet/+/fixes");
        car.Publish("tracker/car-0031/fixes", second, 0, second.Length, 1, out _);
        await WaitUntilAsync(() => witnessed.Count == 2);
        await watcher.UnsubscribeAsync("fleet/car-0031/fixes");
        car.Publish("tracker/car-0031/fixes", third, 0, third.Length, 1, out _);
        await WaitUntilAsync(() => witnessed.Count == 3);
        await Task.Delay(300); // the watcher's copy, were one sent, would have come with the witness's

        Assert.Equal([first, second, third], witnessed.ToArray());
        Assert.Equal([first, second], seen.ToArray());
    }

    [Fact]
    public async Task Viewer_ReconnectingWithTheSameClientId_KeepsReceiving()
    {
        string token = await fixture.LoginAsync("ops");
        string clientId = "web-" + Guid.NewGuid().ToString("N")[..8];
        var (first, _) = await fixture.ViewerAsync("ops", token, clientId);
        var (second, connected) = await fixture.ViewerAsync("ops", token, clientId);
        using IMqttClient firstClient = first;
        using IMqttClient secondClient = second;
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var received = new ConcurrentQueue<string>();
        second.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await second.SubscribeAsync("fleet/car-0019/fixes");

        using MqttNetLink car = fixture.CarLink("car-0019");
        Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0019")));
        byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(2, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        car.Publish("tracker/car-0019/fixes", batch, 0, batch.Length, 1, out _);

        await WaitUntilAsync(() => received.Contains("fleet/car-0019/fixes"));
    }

    [Fact]
    public async Task Renter_CannotSubscribeToAnotherCar_ButCanToTheirs()
    {
        string token = await fixture.LoginAsync("renter1");
        var (viewer, connected) = await fixture.ViewerAsync("renter1", token);
        using IMqttClient viewerClient = viewer;
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        MqttClientSubscribeResult other = await viewer.SubscribeAsync("fleet/car-0002/fixes");
        MqttClientSubscribeResult wildcard = await viewer.SubscribeAsync("fleet/+/fixes");
        MqttClientSubscribeResult own = await viewer.SubscribeAsync("fleet/car-0001/fixes");

        Assert.True((int)other.Items.Single().ResultCode >= 0x80, "granted: " + other.Items.Single().ResultCode);
        Assert.True((int)wildcard.Items.Single().ResultCode >= 0x80, "granted: " + wildcard.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, own.Items.Single().ResultCode);
    }

    [Fact]
    public async Task RenterWhoseRentalStartsTomorrow_CannotSubscribeToTheCarYet()
    {
        string token = await fixture.LoginAsync("renter3");
        var (viewer, _) = await fixture.ViewerAsync("renter3", token);
        using IMqttClient viewerClient = viewer;

        MqttClientSubscribeResult result = await viewer.SubscribeAsync("fleet/car-0003/fixes");

        Assert.True((int)result.Items.Single().ResultCode >= 0x80, "granted: " + result.Items.Single().ResultCode);
    }

    [Theory]
    [InlineData("not-a-token", "web-x1")]
    [InlineData("", "web-x2")]
    public async Task Viewer_WithABadToken_IsRefused(string token, string clientId)
    {
        var (viewer, result) = await fixture.ViewerAsync("ops", token, clientId);
        using IMqttClient viewerClient = viewer;

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Viewer_UsingACarsClientId_IsRefused_SoItCannotTakeTheCarsSession()
    {
        string token = await fixture.LoginAsync("ops");
        var (viewer, result) = await fixture.ViewerAsync("ops", token, "car-0001");
        using IMqttClient viewerClient = viewer;

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task RenterWatchRequest_ReachesTheirCar_AndOneForAnotherCarDoesNot()
    {
        using MqttNetLink car1 = fixture.CarLink("car-0001");
        using MqttNetLink car2 = fixture.CarLink("car-0002");
        Assert.Equal(LinkResult.Ok, car1.Connect(Connect("car-0001")));
        Assert.Equal(LinkResult.Ok, car2.Connect(Connect("car-0002")));
        Assert.Equal(LinkResult.Ok, car1.Subscribe("tracker/car-0001/live"));
        Assert.Equal(LinkResult.Ok, car2.Subscribe("tracker/car-0002/live"));
        string token = await fixture.LoginAsync("renter1");
        var (viewer, _) = await fixture.ViewerAsync("renter1", token);
        using IMqttClient viewerClient = viewer;

        await viewer.PublishStringAsync("tracker/car-0002/live", "120");
        await viewer.PublishStringAsync("tracker/car-0001/live", "120");

        string topic = string.Empty;
        byte[] payload = [];
        await WaitUntilAsync(() => car1.TryTakeMessage(out topic, out payload));
        Assert.Equal("tracker/car-0001/live", topic);
        Assert.Equal("120", Encoding.ASCII.GetString(payload));
        await Task.Delay(300);
        Assert.False(car2.TryTakeMessage(out _, out _));
    }

    [Fact]
    public async Task CarStatus_IsRetainedForViewers_AndALostCarReadsOffline()
    {
        using (MqttNetLink car = fixture.CarLink("car-0018"))
        {
            Assert.Equal(LinkResult.Ok, car.Connect(Connect("car-0018")));
            byte[] status = new byte[StatusCodec.MaxBytes];
            StatusReport report = StatusReport.CreateOnline();
            report.FirmwareVersion = "test";
            int length = StatusCodec.Encode(ref report, status, 0);
            car.Publish("tracker/car-0018/status", status, 0, length, 1, out _);
            await CompletionAsync(car);
            car.Disconnect();
        }

        string token = await fixture.LoginAsync("ops");
        var (viewer, _) = await fixture.ViewerAsync("ops", token);
        using IMqttClient viewerClient = viewer;
        var received = new ConcurrentQueue<(string Text, bool Retained)>();
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Tracker.Cloud.Core.Access.LiveTopics.Status("car-0018"))
            {
                received.Enqueue((Encoding.ASCII.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain));
            }

            return Task.CompletedTask;
        };
        await viewer.SubscribeAsync("fleet/car-0018/status");

        await WaitUntilAsync(() => !received.IsEmpty);
        Assert.Equal((StatusCodec.WillText, true), received.Last());
    }

    [Fact]
    public async Task RetainedStatuses_GoToEachNewViewerSubscription_TheNewestOfEachCarOnce()
    {
        foreach (string carId in new[] { "car-0019", "car-0020" })
        {
            using MqttNetLink car = fixture.CarLink(carId);
            Assert.Equal(LinkResult.Ok, car.Connect(Connect(carId)));
            byte[] status = new byte[StatusCodec.MaxBytes];
            StatusReport report = StatusReport.CreateOnline();
            report.FirmwareVersion = "retained-" + carId;
            int length = StatusCodec.Encode(ref report, status, 0);
            car.Publish("tracker/" + carId + "/status", status, 0, length, 1, out _);
            await CompletionAsync(car);

            car.Disconnect();

            // The car left: the status it is kept with is the offline one the host published for it.
            Assert.True(await Poll.UntilAsync(
                () => fixture.Host.Broker.RetainedLiveMessage("fleet/" + carId + "/status") is { } kept && Encoding.ASCII.GetString(kept) == StatusCodec.WillText,
                Wait));
        }

        string token = await fixture.LoginAsync("ops");
        var (viewer, _) = await fixture.ViewerAsync("ops", token);
        using IMqttClient viewerClient = viewer;
        var received = new ConcurrentQueue<(string Topic, string Text, bool Retained)>();
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic is "fleet/car-0019/status" or "fleet/car-0020/status")
            {
                received.Enqueue((e.ApplicationMessage.Topic, Encoding.ASCII.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain));
            }

            return Task.CompletedTask;
        };

        await viewer.SubscribeAsync("fleet/+/status");
        await WaitUntilAsync(() => received.Count >= 2);
        await Task.Delay(300);

        // One each, the newest (the car left, so it reads offline), flagged as retained.
        Assert.Equal(
            [("fleet/car-0019/status", StatusCodec.WillText, true), ("fleet/car-0020/status", StatusCodec.WillText, true)],
            received.OrderBy(r => r.Topic, StringComparer.Ordinal).ToArray());
    }

    private static MqttConnectOptions Connect(string carId) => new(carId, 60, null, null, true);

    private static async Task<(int Id, bool Delivered)> CompletionAsync(MqttNetLink link)
    {
        int id = 0;
        bool delivered = false;
        await WaitUntilAsync(() => link.TryTakeCompletion(out id, out delivered));
        return (id, delivered);
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        Assert.True(await Poll.UntilAsync(condition, Wait), "timed out waiting");
}
