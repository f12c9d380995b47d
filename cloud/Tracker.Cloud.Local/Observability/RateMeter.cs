namespace Tracker.Cloud.Local.Observability;

/// <summary>Events per second over a sliding window of whole seconds (for "fixes/s ingested"). Thread-safe.</summary>
public sealed class RateMeter
{
    private readonly long[] _perSecond;
    private readonly long[] _secondOf;
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;

    /// <summary>Creates a meter averaging over <paramref name="windowSeconds"/> seconds.</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="windowSeconds">The window.</param>
    public RateMeter(TimeProvider clock, int windowSeconds = 10)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        _clock = clock;
        _perSecond = new long[windowSeconds + 1];
        _secondOf = new long[windowSeconds + 1];
    }

    /// <summary>Adds <paramref name="count"/> events now.</summary>
    /// <param name="count">How many.</param>
    public void Add(long count)
    {
        long second = _clock.GetUtcNow().ToUnixTimeSeconds();
        int slot = (int)(second % _perSecond.Length);
        lock (_gate)
        {
            if (_secondOf[slot] != second)
            {
                _secondOf[slot] = second;
                _perSecond[slot] = 0;
            }

            _perSecond[slot] += count;
        }
    }

    /// <summary>The mean rate over the last full seconds of the window (the current, partial second excluded).</summary>
    /// <returns>Events per second.</returns>
    public double PerSecond()
    {
        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        int window = _perSecond.Length - 1;
        long total = 0;
        lock (_gate)
        {
            for (int i = 0; i < _perSecond.Length; i++)
            {
                long age = now - _secondOf[i];
                if (age >= 1 && age <= window)
                {
                    total += _perSecond[i];
                }
            }
        }

        return total / (double)window;
    }
}
