using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The store as ingest sees it, with a switch a test throws to stall its appends: a disk that stops answering, or a store
/// far slower than the cars, made deterministic. While stalled, an append waits (the host falls as far behind as the test
/// wants, whatever the machine's speed); released, every waiting append goes on to the real store. Reads pass through.
/// </summary>
public sealed class StallingFixStore(IFixStore inner) : IFixStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _open = Open();
    private int _held;
    private int _heldPeak;
    private int _heldOneCarPeak;
    private long _appended;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _heldByCar = new(StringComparer.Ordinal);

    /// <summary>Appends waiting on the stall now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The most appends that waited on the stall at once.</summary>
    public int HeldPeak => Volatile.Read(ref _heldPeak);

    /// <summary>The most appends of one car that waited on the stall at once.</summary>
    public int HeldOneCarPeak => Volatile.Read(ref _heldOneCarPeak);

    /// <summary>The cars whose appends wait on the stall now, with how many each.</summary>
    public string HeldCars => string.Join(", ", _heldByCar.Where(p => p.Value > 0).Select(p => p.Key + "×" + p.Value));

    /// <summary>Appends that reached the real store.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>From now on, appends wait until <see cref="Release"/>.</summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Lets every waiting append, and every later one, through.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _open.TrySetResult();
        }
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        Task open;
        lock (_gate)
        {
            open = _open.Task;
        }

        if (!open.IsCompleted)
        {
            Raise(ref _heldOneCarPeak, _heldByCar.AddOrUpdate(carId, 1, (_, n) => n + 1));
            Raise(ref _heldPeak, Interlocked.Increment(ref _held));

            try
            {
                await open.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _held);
                _heldByCar.AddOrUpdate(carId, 0, (_, n) => n - 1);
            }
        }

        AppendResult result = await inner.AppendAsync(carId, fixes, cancellationToken);
        Interlocked.Increment(ref _appended);
        return result;
    }

    /// <inheritdoc />
    public Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken) => inner.AdvanceLatestAsync(fix, cancellationToken);

    /// <inheritdoc />
    public Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken) => inner.GetLatestAsync(carId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) => inner.GetAllLatestAsync(cancellationToken);

    /// <inheritdoc />
    public Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken) => inner.GetBeforeAsync(carId, ts, cancellationToken);

    /// <inheritdoc />
    public Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken) =>
        inner.QueryAsync(carId, fromTs, toTs, limit, cursor, cancellationToken);

    private static void Raise(ref int peak, int value)
    {
        int seen = Volatile.Read(ref peak);
        while (value > seen && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
            seen = Volatile.Read(ref peak);
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
