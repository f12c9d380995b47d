using System.Diagnostics;

namespace Tracker.BenchTool.Replay;

/// <summary>The real clock: the monotonic stopwatch, and <see cref="Thread.Sleep(TimeSpan)"/>.</summary>
public sealed class StopwatchClock : IReplayClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    /// <inheritdoc/>
    public void Sleep(TimeSpan duration) => Thread.Sleep(duration);
}
