namespace Tracker.BenchTool.Replay;

/// <summary>
/// Writes a capture's bursts with the original time between epochs, divided by a rate. The schedule
/// is absolute (burst k is due at start + the sum of the scaled gaps before it), so the time a
/// write takes (a 9600-baud UART drains about 960 bytes a second) does not accumulate as drift;
/// when the port cannot keep up, bursts go out as fast as it allows and the lag is reported.
/// </summary>
public sealed class ReplayPacer
{
    /// <summary>Milliseconds in a UTC day: a time of day that jumps back by more than half of it crossed midnight.</summary>
    public const int DayMs = 86_400_000;

    private readonly IReplayClock _clock;
    private readonly double _rate;
    private readonly TimeSpan _maxGap;

    /// <summary>Creates a pacer.</summary>
    /// <param name="clock">Time source and sleeper.</param>
    /// <param name="rate">Speed-up: 1 is real time, 2 twice as fast; 0 sends without waiting.</param>
    /// <param name="maxGap">Longest gap between two epochs, before scaling, that is waited out in full (a logger pause or restart is not).</param>
    public ReplayPacer(IReplayClock clock, double rate, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxGap, TimeSpan.Zero);
        if (!double.IsFinite(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "the rate must be finite");
        }

        _clock = clock;
        _rate = rate;
        _maxGap = maxGap;
    }

    /// <summary>The gap from one epoch's time of day to the next: across midnight forward, negative when time went back.</summary>
    public static int Gap(int previousMs, int nextMs)
    {
        int gap = nextMs - previousMs;
        return gap < -DayMs / 2 ? gap + DayMs : gap;
    }

    /// <summary>Sends every burst to <paramref name="port"/> on schedule.</summary>
    public ReplayStats Run(IEnumerable<CaptureBurst> bursts, Stream port)
    {
        ArgumentNullException.ThrowIfNull(bursts);
        ArgumentNullException.ThrowIfNull(port);
        TimeSpan start = _clock.Now, due = TimeSpan.Zero, span = TimeSpan.Zero, maxLag = TimeSpan.Zero;
        long bytes = 0, lines = 0, epochs = 0, untimed = 0;
        int capped = 0, backward = 0;
        int? previous = null;

        foreach (CaptureBurst burst in bursts)
        {
            if (burst.TimeOfDayMs is int t)
            {
                epochs++;
                if (previous is int p)
                {
                    TimeSpan gap = TimeSpan.FromMilliseconds(Gap(p, t));
                    if (gap < TimeSpan.Zero)
                    {
                        backward++;
                        gap = TimeSpan.Zero;
                    }
                    else if (gap > _maxGap)
                    {
                        capped++;
                        gap = _maxGap;
                    }

                    span += gap;
                    if (_rate > 0)
                    {
                        due += gap / _rate;
                    }
                }

                previous = t;
            }

            TimeSpan late = _clock.Now - start - due;
            if (late < TimeSpan.Zero)
            {
                _clock.Sleep(-late);
            }
            else if (_rate > 0 && late > maxLag)
            {
                maxLag = late;
            }

            port.Write(burst.Bytes);
            bytes += burst.Bytes.Length;
            lines += burst.Lines;
            untimed += burst.UntimedLines;
        }

        // On a serial port, Flush waits until the UART has sent the last byte (tcdrain).
        port.Flush();
        return new ReplayStats(bytes, lines, epochs, untimed, capped, backward, span, _clock.Now - start, maxLag);
    }
}
