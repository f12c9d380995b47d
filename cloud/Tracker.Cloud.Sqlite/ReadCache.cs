using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// What every Derive step reads besides the car's own fixes (the zones, the limits, the car's rentals and odometer
/// readings), kept in memory between reads. A read is served from memory while nothing was written since (the store
/// that writes these rows counts its writes, after each commit: <see cref="WrittenByAsync"/>) and it is younger than
/// <see cref="MaxAge"/>, which bounds how long a write by another process on the file goes unseen. At 10,000 cars each
/// car is stepped by the clock every 5 s and by every message, and each step read all four in a read transaction of its
/// own; they change a few times a day.
/// </summary>
/// <typeparam name="T">What is read.</typeparam>
internal sealed class ReadCache<T>
    where T : class
{
    /// <summary>How long a read is served from memory at most, when no write of this process moved it.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Awaits a write of what this cache holds (one autocommit statement), then has every entry read again at its next use.</summary>
    /// <param name="write">The statement's execution.</param>
    /// <returns>Its result (rows changed).</returns>
    public async Task<int> WrittenByAsync(Task<int> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write.ConfigureAwait(false);
        }
        finally
        {
            // After the commit (or the failure, which may have committed): a read that began before it is never kept as newer.
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>The value for <paramref name="key"/>, from memory when it is current, otherwise from <paramref name="read"/>.</summary>
    /// <typeparam name="TState">What <paramref name="read"/> needs besides the key.</typeparam>
    /// <param name="key">The car, or the empty string for a fleet-wide read.</param>
    /// <param name="state">Passed to <paramref name="read"/>.</param>
    /// <param name="read">Reads the value of a key from the file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value; shared between callers, so it is never changed.</returns>
    public Task<T> GetAsync<TState>(string key, TState state, Func<TState, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        // The generation is taken before the read: a write that commits meanwhile moves it after its commit, so what this
        // read stores is never taken for newer than that write.
        long generation = Interlocked.Read(ref _generation);
        long now = Stopwatch.GetTimestamp();
        if (_entries.TryGetValue(key, out Entry? entry) && entry.Generation == generation && Stopwatch.GetElapsedTime(entry.ReadAt, now) < MaxAge)
        {
            // The completed task itself: a read served from memory allocates nothing.
            return entry.Value;
        }

        return ReadAsync(key, state, read, generation, now, cancellationToken);
    }

    private async Task<T> ReadAsync<TState>(string key, TState state, Func<TState, string, CancellationToken, Task<T>> read, long generation, long now, CancellationToken cancellationToken)
    {
        T value = await read(state, key, cancellationToken).ConfigureAwait(false);
        _entries[key] = new Entry(generation, now, Task.FromResult(value));
        return value;
    }

    private sealed record Entry(long Generation, long ReadAt, Task<T> Value);
}
