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
/// The Derive stage in the local host (cloud/Tracker.Cloud.Derive/README.md, "Where it runs"): after ingest stores a
/// batch, the car's stored fixes go through <see cref="DeriveService"/>; a status is stored and derived; a timer ticks
/// every car. One car's steps are serial (a lock per car), so the conditional commit never has to retry locally.
/// A failed step fails the message: the car resends it, and the step, idempotent, is done again.
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
    public DeriveGate(DeriveService service, IFixStore fixes, IStatusStore statuses, IDerivationStore states, TimeProvider clock, ILogger<DeriveGate> log)
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
    }

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
        IReadOnlyList<Observation> stored = await StoredBatch.ReadAsync(_fixes, carId, payload, cancellationToken).ConfigureAwait(false);
        if (stored.Count > 0)
        {
            // DeriveAfterIngest's step, under this car's lock.
            await StepAsync(carId, () => _service.DeriveAsync(carId, stored, cancellationToken)).ConfigureAwait(false);
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
        await StepAsync(carId, () => _service.DeriveAsync(carId, [Observation.Of(status!)], cancellationToken)).ConfigureAwait(false);
    }

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
            await StepAsync(carId, () => _service.TickAsync(carId, now, cancellationToken)).ConfigureAwait(false);
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
        if (_ticks is not null)
        {
            await _ticks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_notifications is not null)
        {
            await _notifications.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task StepAsync(string carId, Func<Task<DeriveStep>> step)
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

        DeriveStep done;
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            done = await step().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
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

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "A notification pass failed; the next pass tries again")]
    private partial void LogNotifyFailed(Exception error);

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "The Derive stage's clock tick failed; the next tick tries again")]
    private partial void LogTickFailed(Exception error);
}
