using System.Diagnostics;
using System.Globalization;

namespace Tracker.Cloud.Local.Console;

/// <summary>
/// What the host is doing while it starts, and how far along it is: one line per step, with the seconds since the
/// process started, and a running count for long steps (provisioning 1,000 cars), at most once a second. The
/// console's reporter writes to standard output; <see cref="Silent"/> (tests, benchmarks) writes nothing.
/// </summary>
public sealed class StartupProgress
{
    private readonly TextWriter? _out;
    private readonly Stopwatch _clock;
    private readonly Lock _gate = new();
    private long _lastCountMs = long.MinValue;
    private long _stepStartMs;

    /// <summary>Writes to <paramref name="output"/>, timing from <paramref name="clock"/> (the process's start).</summary>
    /// <param name="output">Where the lines go.</param>
    /// <param name="clock">Started when the process started.</param>
    public StartupProgress(TextWriter output, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(clock);
        _out = output;
        _clock = clock;
    }

    private StartupProgress()
    {
        _clock = Stopwatch.StartNew();
    }

    /// <summary>Reports nothing.</summary>
    public static StartupProgress Silent { get; } = new();

    /// <summary>Time since the process started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>A step begins: "  [0.4 s] opening the store (SQLite: ...)".</summary>
    /// <param name="what">What the host is doing.</param>
    public void Begin(string what)
    {
        lock (_gate)
        {
            _stepStartMs = _clock.ElapsedMilliseconds;
            _lastCountMs = long.MinValue;
            Write(what + "...");
        }
    }

    /// <summary>The step ends: "  [1.0 s] ... done (0.6 s)" when it took a while, nothing when it was quick.</summary>
    /// <param name="outcome">What came of it, e.g. "created" or "reused"; null for "done".</param>
    public void Done(string? outcome = null)
    {
        lock (_gate)
        {
            long took = _clock.ElapsedMilliseconds - _stepStartMs;
            if (outcome is not null || took >= 500)
            {
                Write("  " + (outcome ?? "done") + " (" + Seconds(took) + ")");
            }
        }
    }

    /// <summary>Progress of a counted step: at most one line a second, and always the last.</summary>
    /// <param name="done">How many are done.</param>
    /// <param name="total">How many there are.</param>
    public void Count(int done, int total)
    {
        lock (_gate)
        {
            long now = _clock.ElapsedMilliseconds;
            if (done < total && now - _lastCountMs < 1000)
            {
                return;
            }

            _lastCountMs = now;
            Write("  " + done.ToString(CultureInfo.InvariantCulture) + " of " + total.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A line of its own, with the time.</summary>
    /// <param name="text">The line.</param>
    public void Line(string text)
    {
        lock (_gate)
        {
            Write(text);
        }
    }

    private void Write(string text)
    {
        if (_out is null)
        {
            return;
        }

        _out.WriteLine("  [" + Seconds(_clock.ElapsedMilliseconds).PadLeft(6) + "] " + text);
        _out.Flush();
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
