using System.Diagnostics;

namespace Tracker.Testing;

/// <summary>
/// Polling with a deadline, for what a test cannot be told about (a broker's log line, a message arriving over a real
/// socket, a process's output): the condition is asked every <c>interval</c> until it holds or the deadline passes, on a
/// monotonic clock, and once more at the deadline. The caller asserts on the answer, so a timeout fails with the test's
/// own message. Logic under test takes an injected clock instead; this is for real servers and processes.
/// </summary>
public static class Poll
{
    /// <summary>The pause between two looks when the caller names none.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits on this thread until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    /// <param name="condition">What to wait for; asked at least once.</param>
    /// <param name="timeout">The deadline, from now.</param>
    /// <param name="interval">The pause between looks (<see cref="DefaultInterval"/> when null).</param>
    /// <returns>True when the condition held in time.</returns>
    public static bool Until(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout)
            {
                return condition();
            }

            Thread.Sleep(interval ?? DefaultInterval);
        }

        return true;
    }

    /// <summary>Waits without blocking a thread until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    /// <param name="condition">What to wait for; asked at least once.</param>
    /// <param name="timeout">The deadline, from now.</param>
    /// <param name="interval">The pause between looks (<see cref="DefaultInterval"/> when null).</param>
    /// <returns>True when the condition held in time.</returns>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, interval);
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    /// <param name="condition">What to wait for; asked at least once.</param>
    /// <param name="timeout">The deadline, from now.</param>
    /// <param name="interval">The pause between looks (<see cref="DefaultInterval"/> when null).</param>
    /// <returns>True when the condition held in time.</returns>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed >= timeout)
            {
                return await condition().ConfigureAwait(false);
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }

        return true;
    }
}
