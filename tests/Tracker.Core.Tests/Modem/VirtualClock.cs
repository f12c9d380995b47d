using Tracker.Core.Modem;
using Tracker.Core.Time;

namespace Tracker.Core.Tests.Modem;

/// <summary>A clock that moves only when told: Sleep advances it, and so does a serial read that waits.</summary>
public sealed class VirtualClock : IMonotonicClock
{
    /// <inheritdoc/>
    public long NowMs { get; private set; }

    /// <summary>Total time spent in <see cref="Sleep"/>.</summary>
    public long SleptMs { get; private set; }

    /// <inheritdoc/>
    public void Sleep(int ms)
    {
        if (ms > 0)
        {
            NowMs += ms;
            SleptMs += ms;
        }
    }

    /// <summary>Moves forward to <paramref name="t"/> (never back).</summary>
    public void AdvanceTo(long t)
    {
        if (t > NowMs)
        {
            NowMs = t;
        }
    }
}
