using Microsoft.Extensions.Logging;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Local.Derive;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Ingest;

/// <summary>
/// The broker's way into the ingest pipeline (the role the IoT rule's Lambda action plays in AWS): at most
/// <see cref="MaxConcurrent"/> messages are ingested at once (SQLite has one writer: they meet in its group commit, which writes what waits in one transaction), the
/// rest wait, and the wait is the ingest queue on <c>/metrics</c>. The broker awaits the outcome before it sends the
/// PUBACK, so a car's FixLog commits a fix only once it is stored: a crash or Ctrl+C cannot lose an acknowledged fix.
/// </summary>
public sealed partial class IngestGate
{
    /// <summary>
    /// Messages ingested at once. Each past the gate reads its car's last fix, then queues its write in the store's group
    /// commit, so this is also the largest group ingest alone can form: at 4, 500 cars at a 1 s period saturated the host
    /// with groups of 1.42 messages on average and 1.08 ms of host CPU a message; at 16, 2.81 and 0.82 ms (README,
    /// cloud/Tracker.Cloud.Local/README.md, "Group commit"). The wait for a slot is still one message a car connection.
    /// </summary>
    public const int MaxConcurrent = 16;

    private readonly IngestService _ingest;
    private readonly HostMetrics _metrics;
    private readonly PublishTimes _published;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _slots = new(MaxConcurrent, MaxConcurrent);
    private readonly DeriveGate? _derive;
    private long _refusedClosed;
    private volatile bool _closed;

    /// <summary>Creates the gate.</summary>
    /// <param name="ingest">The pipeline (the same core as the Lambda).</param>
    /// <param name="metrics">Where outcomes are counted.</param>
    /// <param name="published">Publish times of the simulated cars' batches, for the latency histogram.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="log">The log.</param>
    /// <param name="derive">The Derive stage, after the store (as it follows ingest in the Lambda); null for none.</param>
    public IngestGate(IngestService ingest, HostMetrics metrics, PublishTimes published, TimeProvider clock, ILogger<IngestGate> log, DeriveGate? derive = null)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        _ingest = ingest;
        _metrics = metrics;
        _published = published;
        _clock = clock;
        _log = log;
        _derive = derive;
    }

    /// <summary>The messages that were still waiting for a slot when the gate closed, refused (not stored, not acknowledged).</summary>
    public long RefusedClosed => Interlocked.Read(ref _refusedClosed);

    /// <summary>
    /// The MQTT server has stopped: what still waits for a slot is refused, not stored. Its connection is closed, so no
    /// PUBACK can go, and its car keeps the batch and sends it again after reconnecting (stored then, once). Storing it now
    /// would only hold the store, and Derive's last steps behind it, for as long as the queue is (session 11: with 10,000
    /// cars the stop waited its 10 s bound for ingest and then 9.4 s for Derive). What holds a slot finishes.
    /// </summary>
    public void Close() => _closed = true;

    /// <summary>Ingests one message from a car.</summary>
    /// <param name="carId">The connection's car (its certificate CN).</param>
    /// <param name="topic">The publish topic.</param>
    /// <param name="payload">The batch.</param>
    /// <param name="cancellationToken">Cancels the wait and the storage calls.</param>
    /// <returns>True when the message was handled (stored, or rejected as bad input: acknowledge it); false on a storage failure (do not acknowledge: the car resends).</returns>
    public async Task<bool> IngestAsync(string carId, string topic, byte[] payload, CancellationToken cancellationToken)
    {
        _metrics.IngestQueue(+1);
        bool entered = false;
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            _metrics.IngestQueue(-1);
            _metrics.IngestRunningNow(+1);
            if (_closed)
            {
                Interlocked.Increment(ref _refusedClosed);
                return false;
            }

            long receivedMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            IngestResult result = await _ingest.IngestAsync(new IngestRequest(topic, carId, payload, receivedMs), cancellationToken).ConfigureAwait(false);
            _metrics.Ingested(result);
            if (result.Accepted > 0 && PublishTimes.TryReadCrc(payload, out uint crc) && _published.TryGet(carId, crc, out long publishedMs))
            {
                _metrics.PublishToStored.Record(_clock.GetUtcNow().ToUnixTimeMilliseconds() - publishedMs);
            }

            if (_derive is not null && result.Rejection == BatchRejection.None && result.Decoded > 0)
            {
                // The Derive stage reads what was stored; if it fails the message is not acknowledged, and the resend
                // (a duplicate for ingest) is derived again.
                await _derive.FixesStoredAsync(carId, payload, cancellationToken).ConfigureAwait(false);
            }

            if (result.Rejection != BatchRejection.None)
            {
                LogRejected(carId, result.Rejection, result.Detail);
            }
            else if (result.RejectedTotal > 0 && _log.IsEnabled(LogLevel.Debug))
            {
                // Checked first: the list of filters is built for the debug log only (every resend has duplicates).
                LogFiltered(carId, result.RejectedTotal, result.Decoded, string.Join(", ", result.RejectedByName.Where(p => p.Value > 0).Select(p => p.Key + "=" + p.Value)));
            }

            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.IngestFailed();
            LogStorageFailure(e, carId);
            return false;
        }
        finally
        {
            if (entered)
            {
                _metrics.IngestRunningNow(-1);
                _slots.Release();
            }
            else
            {
                _metrics.IngestQueue(-1);
            }
        }
    }

    /// <summary>A status message from a car: stored and derived (statuses do not go through ingest's fix pipeline).</summary>
    /// <param name="carId">The connection's car.</param>
    /// <param name="payload">The message.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>True when handled; false on a storage failure (do not acknowledge).</returns>
    public async Task<bool> StatusAsync(string carId, byte[] payload, CancellationToken cancellationToken)
    {
        if (_derive is null)
        {
            return true;
        }

        try
        {
            await _derive.StatusAsync(carId, payload, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStorageFailure(e, carId);
            return false;
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Rejected a message from {CarId}: {Rejection} ({Detail})")]
    private partial void LogRejected(string carId, BatchRejection rejection, string detail);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Filtered {Rejected} of {Decoded} fixes from {CarId}: {Filters}")]
    private partial void LogFiltered(string carId, int rejected, int decoded, string filters);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Ingest failed on storage for {CarId}; the message is not acknowledged and the car will resend it")]
    private partial void LogStorageFailure(Exception error, string carId);
}
