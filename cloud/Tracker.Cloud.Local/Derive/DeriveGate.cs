using Microsoft.Extensions.Logging;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Local.Derive;

/// <summary>
/// The Derive stage in the local host (cloud/Tracker.Cloud.Derive/README.md, "Where it runs"). Over SQLite it follows
/// the store's change feed (<see cref="FeedDerive"/>): ingest stores a batch, marks the car and returns; a worker derives
/// everything the car gathered meanwhile in one step, and a failed step keeps its feed entries for the next try. Over a
/// store without a feed (DynamoDB) the batch is derived before ingest returns, and a failed step fails the message:
/// the car resends it, and the step, idempotent, is done again. A status is stored and derived at once (with the car's
/// pending fixes, on the feed); a timer ticks every car. One car's steps are serial (a lock per car), so the
/// conditional commit never has to retry locally.
/// </summary>
public sealed partial class DeriveGate : IAsyncDisposable
{
    /// <summary>How often the clock ticks every car (offline, pending events settling, rentals not returned).</summary>
    public static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(5);

    private readonly DeriveService _service;
    private readonly IFixStore _fixes;
    private readonly IStatusStore _statuses;
    private readonly IDerivationStore _states;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Dictionary<string, SemaphoreSlim> _cars = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly FeedDerive? _feed;
    private Task? _ticks;
    private Task? _notifications;
    private int _disposed;

    /// <summary>Creates the gate.</summary>
    /// <param name="service">The Derive service.</param>
    /// <param name="fixes">The fix store ingest writes.</param>
    /// <param name="statuses">Where statuses are kept.</param>
    /// <param name="states">The cars' states (the cars to tick).</param>
    /// <param name="clock">The clock.</param>
    /// <param name="log">The log.</param>
    /// <param name="feed">The fix store's change feed, or null to derive each batch before ingest returns.</param>
    public DeriveGate(DeriveService service, IFixStore fixes, IStatusStore statuses, IDerivationStore states, TimeProvider clock, ILogger<DeriveGate> log, IFixFeed? feed = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(fixes);
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        _service = service;
        _fixes = fixes;
        _statuses = statuses;
        _states = states;
        _clock = clock;
        _log = log;
        if (feed is not null)
        {
            _feed = new FeedDerive(feed, service)
            {
                RunStep = StepAsync,
                StepFailed = LogFeedStepFailed,
            };
        }
    }

    /// <summary>The cars whose stored fixes wait for their Derive step (0 without a feed).</summary>
    public int Backlog => _feed?.Backlog ?? 0;

    /// <summary>The outbox worker, woken after every step and run beside the ticks; null for none.</summary>
    public NotificationWorker? Notifier { get; init; }

    /// <summary>Called with every event a step committed (the live feed); null for none.</summary>
    public Func<FleetEvent, Task>? Committed { get; set; }

    /// <summary>Called with every event a step withdrew (a replay no longer emits it; the live feed); null for none.</summary>
    public Func<EventKey, Task>? Withdrawn { get; set; }

    /// <summary>Derives from a batch ingest has just stored.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The batch.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The task.</returns>
    public async Task FixesStoredAsync(string carId, byte[] payload, CancellationToken cancellationToken)
    {
        if (_feed is not null)
        {
            _feed.Mark(carId);
            return;
        }

        IReadOnlyList<Observation> stored = await StoredBatch.ReadAsync(_fixes, carId, payload, cancellationToken).ConfigureAwait(false);
        if (stored.Count > 0)
        {
            // DeriveAfterIngest's step, under this car's lock.
            await StepAsync(carId, async () => await _service.DeriveAsync(carId, stored, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>Stores a status message and derives from it; a message that is not a status is logged and dropped.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The message.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The task.</returns>
    public async Task StatusAsync(string carId, byte[] payload, CancellationToken cancellationToken)
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!StatusReading.TryRead(carId, payload, now, out StoredStatus? status, out Tracker.Core.Uplink.StatusError error))
        {
            LogBadStatus(carId, error);
            return;
        }

        await _statuses.AppendStatusAsync(status!, cancellationToken).ConfigureAwait(false);
        if (_feed is not null)
        {
            // With the car's fixes still in the feed, so the status does not run ahead of them (which would make them late).
            await StepAsync(carId, () => _feed.StepAsync(carId, [Observation.Of(status!)], cancellationToken)).ConfigureAwait(false);
            return;
        }

        await StepAsync(carId, async () => await _service.DeriveAsync(carId, [Observation.Of(status!)], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Starts following the change feed: derives first what a stop or failure left in it.</summary>
    /// <param name="cancellationToken">Cancels the feed read.</param>
    /// <returns>The task.</returns>
    public Task StartFeedAsync(CancellationToken cancellationToken) => _feed is null ? Task.CompletedTask : _feed.StartAsync(cancellationToken);

    /// <summary>Waits until every marked car is derived (tests); returns at once without a feed.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The task.</returns>
    public Task WhenDerivedAsync(CancellationToken cancellationToken) => _feed is null ? Task.CompletedTask : _feed.WhenIdleAsync(cancellationToken);

    /// <summary>Starts ticking every car.</summary>
    public void StartTicks()
    {
        _ticks ??= Task.Run(() => TickLoopAsync(_stop.Token));
        if (Notifier is { } notifier)
        {
            _notifications ??= Task.Run(() => notifier.RunAsync(LogNotifyFailed, _stop.Token));
        }
    }

    /// <summary>Ticks every car once now.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The task.</returns>
    public async Task TickAllAsync(CancellationToken cancellationToken)
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (string carId in await _states.ListCarsAsync(cancellationToken).ConfigureAwait(false))
        {
            await StepAsync(carId, async () => await _service.TickAsync(carId, now, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        var took = System.Diagnostics.Stopwatch.StartNew();
        if (_feed is not null)
        {
            await _feed.DisposeAsync().ConfigureAwait(false);
        }

        long feedMs = took.ElapsedMilliseconds;
        if (_ticks is not null)
        {
            await _ticks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        long ticksMs = took.ElapsedMilliseconds - feedMs;
        if (_notifications is not null)
        {
            await _notifications.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        LogStopped(feedMs, ticksMs, took.ElapsedMilliseconds - feedMs - ticksMs);

        _stop.Dispose();
    }

    private async Task StepAsync(string carId, Func<Task<DeriveStep?>> step)
    {
        SemaphoreSlim gate;
        lock (_cars)
        {
            if (!_cars.TryGetValue(carId, out gate!))
            {
                gate = new SemaphoreSlim(1, 1);
                _cars[carId] = gate;
            }
        }

        DeriveStep? done;
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            done = await step().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        if (done is null)
        {
            return;
        }

        if (done.Events.Count > 0)
        {
            Notifier?.Wake();
        }

        if (Committed is { } committed)
        {
            foreach (FleetEvent e in done.Events)
            {
                await committed(e).ConfigureAwait(false);
            }
        }

        if (Withdrawn is { } withdrawn)
        {
            foreach (EventKey key in done.Withdrawn)
            {
                await withdrawn(key).ConfigureAwait(false);
            }
        }
    }

    private async Task TickLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TickEvery, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await TickAllAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogTickFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "A status message from {CarId} did not decode ({Error}); dropped")]
    private partial void LogBadStatus(string carId, Tracker.Core.Uplink.StatusError error);

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "Derive stopped: the feed's workers {FeedMs} ms, the tick {TicksMs} ms, the notifier {NotifyMs} ms")]
    private partial void LogStopped(long feedMs, long ticksMs, long notifyMs);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "A notification pass failed; the next pass tries again")]
    private partial void LogNotifyFailed(Exception error);

    [LoggerMessage(EventId = 63, Level = LogLevel.Error, Message = "The Derive step of {CarId} failed; its stored fixes stay in the feed and are tried again")]
    private partial void LogFeedStepFailed(string carId, Exception error);

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "The Derive stage's clock tick failed; the next tick tries again")]
    private partial void LogTickFailed(Exception error);
}
