using Microsoft.Extensions.DependencyInjection;
using MQTTnet.Server;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Local.Broker;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Issue 19: a browser that cannot keep up with the live feed must not make the host grow. Its session's queue is bounded
/// (<see cref="BrokerLimits.MaxQueuedMessagesPerClient"/>) and, when full, drops its oldest message for the newest: the
/// live map is best-effort; the store is not, and every fix is stored whatever the browser does.
/// </summary>
public sealed class ViewerBackpressureTests : IAsyncLifetime
{
    private const string ClientId = "web-stalled-viewer";
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
    public async Task ViewerThatStopsReading_HasABoundedQueue_LosesTheOldestLiveFixes_AndTheStoreGetsEveryFix()
    {
        LocalFleetHost host = _host.Host;
        await using StalledViewer viewer = await StalledViewer.ConnectAsync(host.HttpUrl, ClientId, "ops", await _host.LoginAsync("ops"), "fleet/#");
        Assert.True(await Poll.UntilAsync(() => host.Broker.LiveListeners == 1, TimeSpan.FromSeconds(10)), "the live feed has no listener");

        // Fill what lies between the host and the browser (the WebSocket's pipes, the kernel's buffers) and then the session's
        // queue, with live messages of 16 KiB (withdrawn events, whose subject is free text), until the queue is full and
        // stays full: Linux grows a socket's send buffer after the fact, and the host's send loop then takes a few hundred
        // more out of the queue (CI saw 1,000 fall to 823 once the car had connected).
        string subject = new('x', 16 * 1024);
        int published = 0;
        long pending = 0;
        for (int round = 0; round < 20 && published < 8000; round++)
        {
            while (published < 8000 && pending < BrokerLimits.MaxQueuedMessagesPerClient)
            {
                await host.Broker.EventWithdrawnAsync(new EventKey("car-0009", EventType.GeofenceEnter, published, subject));
                published++;
                pending = await PendingAsync(host);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
            pending = await PendingAsync(host);
            if (pending == BrokerLimits.MaxQueuedMessagesPerClient)
            {
                break;
            }
        }

        Assert.Equal(BrokerLimits.MaxQueuedMessagesPerClient, pending);
        long droppedFull = host.Metrics.QueueDropped;

        // A car goes on delivering: its batches are stored and acknowledged as ever, and each one's live copy takes the
        // place of the oldest message in the browser's queue, which stays at its bound.
        const int Batches = 30;
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
            Assert.InRange(await PendingAsync(host), 0, BrokerLimits.MaxQueuedMessagesPerClient);
        }

        FixPage stored = await host.Store.QueryAsync("car-0009", 0, long.MaxValue, 1000, null, CancellationToken.None);
        Assert.Equal(2 * Batches, stored.Fixes.Count);
        Assert.Equal(BrokerLimits.MaxQueuedMessagesPerClient, await PendingAsync(host));
        Assert.True(host.Metrics.QueueDropped >= droppedFull + Batches, "dropped " + (host.Metrics.QueueDropped - droppedFull) + " of " + Batches + " live batches");
        // The browser is still connected: the host neither grew for it nor cut it off.
        Assert.Equal(1, host.Metrics.ViewersConnected);
    }

    private static async Task<long> PendingAsync(LocalFleetHost host)
    {
        foreach (MqttSessionStatus session in await host.Services.GetRequiredService<MqttServer>().GetSessionsAsync())
        {
            if (session.Id == ClientId)
            {
                return session.PendingApplicationMessagesCount;
            }
        }

        throw new InvalidOperationException("the viewer's session is gone");
    }
}
