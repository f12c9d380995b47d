using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Local.Broker;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Issue 19: a browser that cannot keep up with the live feed must not make the host grow. Its session's live outbox is
/// bounded in messages (<see cref="BrokerLimits.MaxQueuedMessagesPerClient"/>) and in bytes
/// (<see cref="BrokerLimits.MaxQueuedBytesPerClient"/>) and, when full, drops its oldest message for the newest: the live
/// map is best-effort; the store is not, and every fix is stored whatever the browser does.
/// </summary>
public sealed class ViewerBackpressureTests : IAsyncLifetime
{
    private const string ClientId = "web-stalled-viewer";
    private const int Batches = 30;
    private const int LargeSubject = 64 * 1024;
    private readonly TempFolder _folder = new("tracker-slow-viewer-test-");
    private LocalHostFixture _host = null!;

    public async Task InitializeAsync() => _host = LocalHostFixture.Over(await LocalHostFixture.StartAsync(_folder.Combine("data"), cars: 0));

    public async Task DisposeAsync()
    {
        _host.Http.Dispose();
        await _host.Host.StopAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task ViewerThatStopsReading_SmallMessages_FillTheMessageBound_LosesTheOldestLiveFixes_AndTheStoreGetsEveryFix()
    {
        LocalFleetHost host = _host.Host;
        await using StalledViewer viewer = await ConnectStalledViewerAsync();
        int published = await StallAsync(host);

        // Small live messages (about 100 bytes: withdrawn events) fill the outbox to its message bound long before its
        // byte bound, and push out the large ones that stalled it.
        for (int i = 0; i < BrokerLimits.MaxQueuedMessagesPerClient + 100; i++)
        {
            await host.Broker.EventWithdrawnAsync(new EventKey("car-0009", EventType.GeofenceEnter, published++, "s"));
        }

        LiveQueueSize full = Queued(host);
        Assert.Equal(BrokerLimits.MaxQueuedMessagesPerClient, full.Messages);
        // Under the byte bound, with the large message still being written (the browser stalled on it).
        Assert.InRange(full.Bytes, 1, BrokerLimits.MaxQueuedBytesPerClient);
        long droppedFull = host.Metrics.QueueDropped;

        // A car goes on delivering: its batches are stored and acknowledged as ever, and each one's live copy takes the
        // place of the oldest message in the browser's outbox, which stays at its bound.
        await DeliverBatchesAsync(() => Assert.Equal(BrokerLimits.MaxQueuedMessagesPerClient, Queued(host).Messages));

        Assert.Equal(BrokerLimits.MaxQueuedMessagesPerClient, Queued(host).Messages);
        Assert.True(host.Metrics.QueueDropped >= droppedFull + Batches, "dropped " + (host.Metrics.QueueDropped - droppedFull) + " of " + Batches + " live batches");
        // The browser is still connected: the host neither grew for it nor cut it off.
        Assert.Equal(1, host.Metrics.ViewersConnected);
    }

    [Fact]
    public async Task ViewerThatStopsReading_LargeMessages_FillTheByteBoundBeforeTheMessageBound_AndTheStoreGetsEveryFix()
    {
        LocalFleetHost host = _host.Host;
        await using StalledViewer viewer = await ConnectStalledViewerAsync();
        int published = await StallAsync(host);

        // More large messages (64 KiB, as a car's backlog batch can be up to 128 KiB): each drops the oldest, and the
        // outbox holds a handful of messages, never more bytes than its bound.
        long droppedBefore = host.Metrics.QueueDropped;
        string subject = new('x', LargeSubject);
        for (int i = 0; i < 50; i++)
        {
            await host.Broker.EventWithdrawnAsync(new EventKey("car-0009", EventType.GeofenceEnter, published++, subject));
            LiveQueueSize size = Queued(host);
            Assert.InRange(size.Bytes, 1, BrokerLimits.MaxQueuedBytesPerClient);
            Assert.InRange(size.Messages, 1, 4);
        }

        // The stalled outbox had room for at most two more (StallAsync); every other one dropped an older one.
        Assert.True(host.Metrics.QueueDropped >= droppedBefore + 48, "dropped " + (host.Metrics.QueueDropped - droppedBefore) + " for 50 large messages");

        // The car's batches are all stored and acknowledged; their live copies (small) join the large messages, pushing
        // out the oldest of those when they no longer fit, and the outbox stays under its byte bound.
        await DeliverBatchesAsync(() => Assert.InRange(Queued(host).Bytes, 1, BrokerLimits.MaxQueuedBytesPerClient));

        Assert.True(Queued(host).Messages >= Batches, "the car's live batches are not all in the outbox");
        Assert.Equal(1, host.Metrics.ViewersConnected);
    }

    private async Task<StalledViewer> ConnectStalledViewerAsync()
    {
        StalledViewer viewer = await StalledViewer.ConnectAsync(_host.Host.HttpUrl, ClientId, "ops", await _host.LoginAsync("ops"), "fleet/#");
        Assert.True(await Poll.UntilAsync(() => _host.Host.Broker.LiveListeners == 1, TimeSpan.FromSeconds(10)), "the live feed has no listener");
        return viewer;
    }

    /// <summary>
    /// Fills what lies between the host and the browser (the WebSocket's pipes, the kernel's buffers) and then the outbox,
    /// with large live messages, until the outbox is full and stays full: Linux grows a socket's send buffer after the
    /// fact, and the host's send loop then takes more out of the outbox (CI saw a full queue fall by a few hundred once).
    /// </summary>
    private static async Task<int> StallAsync(LocalFleetHost host)
    {
        string subject = new('x', LargeSubject);
        long room = BrokerLimits.MaxQueuedBytesPerClient - (2 * LargeSubject);
        int published = 0;
        for (int round = 0; round < 20 && published < 4000; round++)
        {
            while (published < 4000 && Queued(host).Bytes < room)
            {
                await host.Broker.EventWithdrawnAsync(new EventKey("car-0009", EventType.GeofenceEnter, published, subject));
                published++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
            if (Queued(host).Bytes >= room)
            {
                return published;
            }
        }

        throw new InvalidOperationException("the viewer's outbox never filled (" + published + " messages published)");
    }

    private async Task DeliverBatchesAsync(Action afterEach)
    {
        using MqttNetLink car = _host.CarLink("car-0009");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0009", 60, null, null, true)));
        long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int b = 0; b < Batches; b++)
        {
            byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(2, end - ((Batches - b) * 2000L)));
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-0009/fixes", batch, 0, batch.Length, 1, out _));
            int id = 0;
            bool delivered = false;
            Assert.True(await Poll.UntilAsync(() => car.TryTakeCompletion(out id, out delivered), TimeSpan.FromSeconds(15)), "no PUBACK for batch " + b);
            Assert.True(delivered, "batch " + b + " was not acknowledged");
            afterEach();
        }

        FixPage stored = await _host.Host.Store.QueryAsync("car-0009", 0, long.MaxValue, 1000, null, CancellationToken.None);
        Assert.Equal(2 * Batches, stored.Fixes.Count);
    }

    private static LiveQueueSize Queued(LocalFleetHost host)
        => host.Broker.LiveQueued(ClientId)
            ?? throw new InvalidOperationException("the viewer's session is gone (" + host.Metrics.ViewersConnected + " viewers connected)");
}
