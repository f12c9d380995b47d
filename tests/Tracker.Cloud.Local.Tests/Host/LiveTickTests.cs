using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The Derive clock's events reach the live feed: a car goes silent, the host's tick (every 5 s) finds it offline, and an
/// operator's browser subscribed to <c>fleet/+/events</c> receives <c>offline</c>; the car's next message brings
/// <c>online</c> the same way. The host runs on a clock the test moves forward (its timers stay real), so "silent for
/// five minutes" takes seconds. Its own host: the moved clock must not reach the other host tests.
/// </summary>
public sealed class LiveTickTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tracker-local-tick-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly MovedClock _clock = new();
    private LocalHostFixture _host = null!;

    public async Task InitializeAsync() => _host = LocalHostFixture.Over(await LocalHostFixture.StartAsync(_data, cars: 0, clock: _clock));

    public async Task DisposeAsync()
    {
        _host.Http.Dispose();
        await _host.Host.StopAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ACarThatGoesSilent_IsTickedOffline_AndTheOperatorsBrowserGetsItLive_ThenOnlineWhenItIsBack()
    {
        var seen = new ConcurrentQueue<(string Topic, string Json)>();
        const string ViewerId = "web-live-tick";
        var (viewer, _) = await _host.ViewerAsync("ops", await _host.LoginAsync("ops"), ViewerId);
        using IMqttClient client = viewer;
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            return Task.CompletedTask;
        };
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, (await viewer.SubscribeAsync("fleet/+/events")).Items.Single().ResultCode);

        // The car is heard with its ignition on (offline after 5 minutes of silence), then goes silent.
        using MqttNetLink car = _host.CarLink("car-0031");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0031", 60, null, null, true)));
        long nowS = _clock.GetUtcNow().ToUnixTimeSeconds();
        await DeriveTests.PublishAsync(car, "tracker/car-0031/status", DeriveTests.Status(IgnitionState.Off, nowS - 10));
        await DeriveTests.PublishAsync(car, "tracker/car-0031/status", DeriveTests.Status(IgnitionState.On, nowS - 5));
        Assert.True(await Poll.UntilAsync(() => seen.Any(m => IsEvent(m, "car-0031", "ignition-on")), Wait), "the ignition-on never came live");
        car.Disconnect();

        // Four minutes on: not offline yet, at any tick.
        _clock.Shift = TimeSpan.FromMinutes(4);
        await Task.Delay(Tracker.Cloud.Local.Derive.DeriveGate.TickEvery * 2);
        Assert.DoesNotContain(seen, m => IsEvent(m, "car-0031", "offline"));

        // Six minutes on: the next tick stores offline and the operator's browser receives it.
        _clock.Shift = TimeSpan.FromMinutes(6);
        if (!await Poll.UntilAsync(() => seen.Any(m => IsEvent(m, "car-0031", "offline")), Wait))
        {
            // Intermittent under the whole suite's load (session 10, once in CI): say which stage it stopped at.
            var (_, stored) = await _host.GetAsync("/cars/car-0031/events?type=offline", await _host.LoginAsync("ops"));
            Assert.Fail("the tick's offline never came live: " + stored?["events"]?.AsArray().Count + " stored; viewer connected "
                + viewer.IsConnected + "; " + _host.Host.Broker.LiveListeners + " live listeners; its outbox "
                + _host.Host.Broker.LiveQueued(ViewerId) + "; " + _host.Host.Metrics.QueueDropped + " live messages dropped; seen: "
                + string.Join(", ", seen.Select(m => m.Topic + " " + m.Json[..Math.Min(m.Json.Length, 60)])));
        }

        JsonNode offline = JsonNode.Parse(seen.First(m => IsEvent(m, "car-0031", "offline")).Json)!;
        Assert.Equal("car-0031", (string?)offline["carId"]);
        Assert.Equal(1, seen.Count(m => IsEvent(m, "car-0031", "offline"))); // one event, not one per tick
        var (status, listed) = await _host.GetAsync("/cars/car-0031/events?type=offline", await _host.LoginAsync("ops"));
        Assert.Equal(200, status);
        Assert.Single(listed!["events"]!.AsArray());

        // Back: its next message is an online event, live too.
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0031", 60, null, null, true)));
        await DeriveTests.PublishAsync(car, "tracker/car-0031/status", DeriveTests.Status(IgnitionState.On, _clock.GetUtcNow().ToUnixTimeSeconds() - 1));
        Assert.True(await Poll.UntilAsync(() => seen.Any(m => IsEvent(m, "car-0031", "online")), Wait), "online never came live");
        await Task.Delay(Tracker.Cloud.Local.Derive.DeriveGate.TickEvery);
        Assert.Equal(1, seen.Count(m => IsEvent(m, "car-0031", "offline")));
        car.Disconnect();
    }

    private static bool IsEvent((string Topic, string Json) message, string car, string type) =>
        message.Topic == "fleet/" + car + "/events" && message.Json.Contains("\"type\":\"" + type + "\"", StringComparison.Ordinal);

    /// <summary>The system's time moved on by <see cref="Shift"/>; timers are the system's.</summary>
    private sealed class MovedClock : TimeProvider
    {
        private long _shiftTicks;

        public TimeSpan Shift
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
            set => Interlocked.Exchange(ref _shiftTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
    }
}
