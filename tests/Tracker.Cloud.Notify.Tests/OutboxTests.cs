using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Notify.Tests;

/// <summary>The outbox over SQLite, sending to a loopback webhook receiver that checks signatures and can fail on purpose.</summary>
public sealed class OutboxTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "s3cret-s3cret-s3cret";
    // Within the retention of the real clock, which the store purges by.
    private static readonly long T0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 1000 * 1000;

    private readonly TempFolder _folder = new("tracker-notify-");
    private readonly ManualClock _clock = new(T0);
    private readonly ConcurrentQueue<(string Delivery, string Body)> _received = new();
    private readonly LoopbackHttpServer _receiver;
    private int _failNext;
    private SqliteDeriveStore? _events;
    private SqliteNotifyStore? _outbox;

    public OutboxTests()
    {
        _receiver = new LoopbackHttpServer(async context =>
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            string timestamp = context.Request.Headers["X-Tracker-Timestamp"] ?? string.Empty;
            string signature = context.Request.Headers["X-Tracker-Signature"] ?? string.Empty;
            if (signature != WebhookSender.Sign(Secret, timestamp, body))
            {
                context.Response.StatusCode = 401;
                return;
            }

            if (Interlocked.Decrement(ref _failNext) >= 0)
            {
                context.Response.StatusCode = 503;
                return;
            }

            _received.Enqueue((context.Request.Headers["X-Tracker-Delivery"] ?? string.Empty, body));
            context.Response.StatusCode = 204;
        });
    }

    public async Task InitializeAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        _events = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        _outbox = await SqliteNotifyStore.OpenAsync(store, CancellationToken.None);
        await _outbox.PutSubscriptionAsync(new Subscription
        {
            Id = "ops-hook",
            Name = "Ops",
            Types = [EventType.Overspeed, EventType.GeofenceExit],
            Cars = ["car-1", "car-2"],
            WebhookUrl = new Uri(_receiver.Origin + "/hook"),
            WebhookSecret = Secret,
        }, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _receiver.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task MatchingEvents_AreDeliveredSignedOnce_OthersNot()
    {
        await CommitAsync(Event("car-1", EventType.Overspeed, T0), Event("car-1", EventType.IgnitionOn, T0 + 1), Event("car-3", EventType.Overspeed, T0 + 2));

        Assert.Equal(1, await Worker().RunOnceAsync(CancellationToken.None));
        (string delivery, string body) = Assert.Single(_received);
        JsonNode json = JsonNode.Parse(body)!;
        Assert.Equal(("car-1", "overspeed"), ((string?)json["carId"], (string?)json["type"]));
        Assert.Equal(32, delivery.Length);
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AFailingWebhook_IsRetriedWithExponentialBackoff_ThenDelivered()
    {
        await CommitAsync(Event("car-1", EventType.GeofenceExit, T0, "depot"));
        _failNext = 2;
        NotificationWorker worker = Worker();

        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        OutboxEntry waiting = Assert.Single(await _outbox!.DueAsync(T0 + 2000, 10, CancellationToken.None));
        Assert.Equal((1, "HTTP 503 Service Unavailable"), (waiting.Attempts, waiting.LastError));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None)); // second failure: next in 4 s
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        Assert.Single(_received);
        Assert.Equal(3, Assert.Single(await _outbox.ListAsync(OutboxState.Delivered, 10, CancellationToken.None)).Attempts);
    }

    [Fact]
    public async Task AWebhookThatNeverAnswers_IsFailedAfterTheLastAttempt_AndKeptWithItsError()
    {
        await CommitAsync(Event("car-2", EventType.Overspeed, T0));
        _failNext = int.MaxValue;
        NotificationWorker worker = Worker(new NotifyOptions { MaxAttempts = 3 });
        for (int i = 0; i < 5; i++)
        {
            await worker.RunOnceAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        OutboxEntry failed = Assert.Single(await _outbox!.ListAsync(OutboxState.Failed, 10, CancellationToken.None));
        Assert.Equal((3, "HTTP 503 Service Unavailable"), (failed.Attempts, failed.LastError));
        Assert.Empty(await _outbox.DueAsync(long.MaxValue, 10, CancellationToken.None));
    }

    [Fact]
    public async Task EventsCommittedDuringAnOutage_AreAllSentAfterIt_AndARestartSendsNothingAgain()
    {
        // The notifier is down (no worker) while events commit.
        await CommitAsync(Enumerable.Range(0, 20).Select(i => Event("car-1", EventType.Overspeed, T0 + (i * 1000))).ToArray());

        Assert.Equal(20, await Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(20, await Worker().RunOnceAsync(CancellationToken.None) + _received.Count);
        Assert.Equal(20, _received.Select(r => r.Delivery).Distinct().Count());
    }

    [Fact]
    public async Task APendingEvent_IsNotSent_UntilItStands_AndAWithdrawnOneNever()
    {
        FleetEvent held = Event("car-1", EventType.GeofenceExit, T0, "depot") with { Pending = true };
        FleetEvent gone = Event("car-2", EventType.GeofenceExit, T0, "depot") with { Pending = true };
        await CommitAsync(held, gone);
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));

        CarDerivation? car1 = await _events!.GetAsync("car-1", CancellationToken.None);
        Assert.True(await _events.TryCommitAsync(car1!, [held with { Pending = false }], [], CancellationToken.None));
        CarDerivation? car2 = await _events.GetAsync("car-2", CancellationToken.None);
        Assert.True(await _events.TryCommitAsync(car2!, [], [gone.Key], CancellationToken.None));

        Assert.Equal(1, await Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal("car-1", (string?)JsonNode.Parse(Assert.Single(_received).Body)!["carId"]);
    }

    [Fact]
    public async Task OnAws_AWebhookResolvingToLoopback_IsRefusedAtConnectTime()
    {
        using var sender = new WebhookSender(WebhookTargetPolicy.Public, (_, _) => Task.FromResult<string?>(Secret), _clock);
        string? error = await sender.SendAsync(
            new OutboxEntry { CarId = "car-1", EventId = "e", SubscriptionId = "s", Channel = Channel.Webhook, Target = "http://localhost:" + new Uri(_receiver.Origin).Port + "/hook", Payload = "{}" },
            CancellationToken.None);
        Assert.Contains("may not reach", error, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    private NotificationWorker Worker(NotifyOptions? options = null)
    {
        var hooks = new WebhookSender(WebhookTargetPolicy.Local, (id, _) => Task.FromResult(id == "ops-hook" ? Secret : null), _clock);
        return new NotificationWorker(_outbox!, _outbox!, new Dictionary<Channel, ISender> { [Channel.Webhook] = hooks }, options ?? NotifyOptions.Default, _clock);
    }

    private async Task CommitAsync(params FleetEvent[] events)
    {
        foreach (IGrouping<string, FleetEvent> car in events.GroupBy(e => e.CarId))
        {
            CarDerivation state = await _events!.GetAsync(car.Key, CancellationToken.None) ?? CarDerivation.New(car.Key);
            Assert.True(await _events.TryCommitAsync(state, car.ToList(), [], CancellationToken.None));
        }
    }

    private static FleetEvent Event(string car, EventType type, long start, string subject = "") =>
        new() { CarId = car, Type = type, EpisodeStartMs = start, Subject = subject, LatE7 = 481_351_000, LonE7 = 115_820_000, SpeedMmps = 36_000 };
}
