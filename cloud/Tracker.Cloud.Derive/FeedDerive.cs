using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive;

/// <summary>
/// The Derive stage following a fix store's change feed (<see cref="IFixFeed"/>; README.md, "Where it runs"): ingest
/// stores a batch and returns, the car is marked, and a worker derives it later in one step over every entry the car
/// gathered meanwhile. A car busy with 30 messages in a second costs one Derive step, not 30, which is what keeps ingest
/// with events near its rate without them. An entry is acknowledged only after its step commits, so a crash or a
/// storage failure leaves it for the next step (after a restart, <see cref="Start"/> marks every car with entries);
/// a step done twice writes the same events (they are keyed), so acknowledging after the commit is safe.
/// </summary>
public sealed class FeedDerive : IAsyncDisposable
{
    private readonly IFixFeed _feed;
    private readonly DeriveService _service;
    private readonly object _gate = new();
    private readonly Queue<(string CarId, long DueTicks)> _dirty = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _again = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retrying = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];
    private int _disposed;

    /// <summary>Creates the stage; <see cref="Start"/> starts its workers.</summary>
    /// <param name="feed">The fix store's change feed.</param>
    /// <param name="service">The Derive service (reading the same store's fixes).</param>
    public FeedDerive(IFixFeed feed, DeriveService service)
    {
        _feed = feed ?? throw new ArgumentNullException(nameof(feed));
        _service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <summary>How many cars are derived at once (each car's steps stay serial); 2 by default.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// How long a marked car waits before its step, so that the messages it sends meanwhile join that step; 200 ms by
    /// default. Without the wait a worker took each car as soon as it was marked, a step for every message or two of
    /// a busy car, and every step is a read and two commits beside ingest's. A car sending every few seconds is derived
    /// once per message either way, this much later.
    /// </summary>
    public TimeSpan Coalesce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock the coalescing wait is read from (tests); the system's by default.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How long a car whose step failed waits before its next try (its entries stay meanwhile); 1 s by default.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs one car's step: the host wraps it in its per-car lock and hands on what the step committed (the live feed,
    /// the notifier). The default runs it as it is.
    /// </summary>
    public Func<string, Func<Task<DeriveStep?>>, Task> RunStep { get; init; } = static async (_, step) => await step().ConfigureAwait(false);

    /// <summary>Called when a car's step fails (it is tried again after <see cref="RetryAfter"/>); null to stay silent.</summary>
    public Action<string, Exception>? StepFailed { get; init; }

    /// <summary>The cars marked and not yet derived, being derived, or waiting to retry.</summary>
    public int Backlog
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count + _running.Count + _retrying.Count;
            }
        }
    }

    /// <summary>Starts the workers and marks every car the feed still holds entries for (left by a stop or a failure).</summary>
    /// <param name="cancellationToken">Cancels the feed read.</param>
    /// <returns>The task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        foreach (string carId in await _feed.PendingCarsAsync(cancellationToken).ConfigureAwait(false))
        {
            Mark(carId);
        }
    }

    /// <summary>Starts the workers (idempotent).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_workers.Length > 0)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            _workers = [.. Enumerable.Range(0, Math.Max(1, Workers)).Select(_ => Task.Run(() => WorkAsync(_stop.Token)))];
        }
    }

    /// <summary>Marks a car whose fixes were just stored: a worker derives it soon, once however often it was marked.</summary>
    /// <param name="carId">The car.</param>
    public void Mark(string carId)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        lock (_gate)
        {
            if (_disposed != 0)
            {
                // Stopped: the car's entries stay in the feed for the next start.
                return;
            }

            if (_running.Contains(carId))
            {
                // Derived again once the running step ends: that step may have read the feed before this entry.
                _again.Add(carId);
                return;
            }

            if (!_queued.Add(carId))
            {
                return;
            }

            _dirty.Enqueue((carId, Clock.GetTimestamp() + DueAfter()));
        }

        _work.Release();
    }

    /// <summary>
    /// One step for a car now, over its feed entries and <paramref name="extra"/> (a status just stored); the caller
    /// keeps the car's steps serial. Null when there was nothing to derive.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="extra">Observations stored outside the feed (statuses), derived in the same step.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The committed step, or null.</returns>
    public async Task<DeriveStep?> StepAsync(string carId, IReadOnlyList<Observation> extra, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(extra);
        FeedSpan? span = await _feed.PeekAsync(carId, cancellationToken).ConfigureAwait(false);
        if (span is null)
        {
            return extra.Count == 0 ? null : await _service.DeriveAsync(carId, extra, cancellationToken).ConfigureAwait(false);
        }

        DeriveStep step = await _service.DeriveSpanAsync(carId, span.FromTs, span.ToTs, extra, cancellationToken).ConfigureAwait(false);
        await _feed.AcknowledgeAsync(carId, span.ThroughSeq, cancellationToken).ConfigureAwait(false);
        return step;
    }

    /// <summary>Waits until no car is marked, being derived or waiting to retry (tests and benches).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The task.</returns>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (Backlog > 0)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
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
        Task[] workers;
        lock (_gate)
        {
            workers = _workers;
        }

        foreach (Task worker in workers)
        {
            await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _work.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            string carId;
            long dueTicks;
            lock (_gate)
            {
                if (!_dirty.TryDequeue(out (string CarId, long DueTicks) next))
                {
                    continue;
                }

                (carId, dueTicks) = next;
            }

            // Still queued while it waits, so marks meanwhile join this step instead of asking for another. The queue is in
            // due order (one wait for every car), so the head is always the first due.
            TimeSpan wait = Clock.GetElapsedTime(Clock.GetTimestamp(), dueTicks);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, Clock, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            lock (_gate)
            {
                _queued.Remove(carId);
                _running.Add(carId);
            }

            bool failed = false;
            try
            {
                await RunStep(carId, () => StepAsync(carId, [], stop)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopping: the entries stay for the next start.
            }
            catch (Exception e)
            {
                failed = true;
                StepFailed?.Invoke(carId, e);
            }

            bool again = false;
            lock (_gate)
            {
                // In one lock with the removal, so the backlog never reads 0 while the car still has work.
                _running.Remove(carId);
                if (failed)
                {
                    _again.Remove(carId);
                    _retrying.Add(carId);
                }
                else if (_again.Remove(carId) && _queued.Add(carId))
                {
                    _dirty.Enqueue((carId, Clock.GetTimestamp() + DueAfter()));
                    again = true;
                }
            }

            if (again)
            {
                _work.Release();
            }
            else if (failed)
            {
                _ = RetryLaterAsync(carId, stop);
            }
        }
    }

    private long DueAfter() => (long)(Coalesce.TotalSeconds * Clock.TimestampFrequency);

    private async Task RetryLaterAsync(string carId, CancellationToken stop)
    {
        try
        {
            await Task.Delay(RetryAfter, stop).ConfigureAwait(false);
            Mark(carId);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the entries stay for the next start.
        }
        finally
        {
            lock (_gate)
            {
                _retrying.Remove(carId);
            }
        }
    }
}
