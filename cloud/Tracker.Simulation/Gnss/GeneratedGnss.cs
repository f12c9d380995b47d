using Tracker.Simulation.Routes;

namespace Tracker.Simulation.Gnss;

/// <summary>
/// A receiver over a <see cref="RouteGenerator"/>: epoch k of the drive is printed at the k-th whole
/// second from the start, and coverage follows the route's dead zones.
/// </summary>
public sealed class GeneratedGnss : IGnssSource
{
    private readonly RouteGenerator _route;
    private readonly NmeaWriter _writer;
    private readonly byte[] _pending = new byte[NmeaWriter.MaxEpochBytes];
    private int _pendingStart;
    private int _pendingEnd;

    /// <summary>Starts a receiver whose first epoch is the first whole second at or after <paramref name="startUtcMs"/>.</summary>
    /// <param name="route">The drive (its next epoch is printed first).</param>
    /// <param name="startUtcMs">UTC ms since 1970 (2000 to 2079, what <see cref="NmeaWriter"/> prints).</param>
    /// <param name="writer">How to print; GN talker with GSA when null.</param>
    public GeneratedGnss(RouteGenerator route, long startUtcMs, NmeaWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(route);
        _route = route;
        _writer = writer ?? new NmeaWriter();
        FirstEpochUtcMs = ((startUtcMs + 999) / 1000 * 1000) - (route.NextSecond * 1000);
    }

    /// <summary>UTC ms of the drive's second 0.</summary>
    public long FirstEpochUtcMs { get; }

    /// <summary>The route.</summary>
    public RouteGenerator Route => _route;

    /// <summary>The last epoch printed, or null before the first.</summary>
    public RouteEpoch? LastEpoch { get; private set; }

    /// <summary>Epochs printed so far.</summary>
    public long Epochs { get; private set; }

    /// <inheritdoc/>
    public int Read(long utcNowMs, byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length - offset);
        if (_pendingStart == _pendingEnd)
        {
            long due = FirstEpochUtcMs + (_route.NextSecond * 1000);
            if (due > utcNowMs || count == 0)
            {
                return 0;
            }

            RouteEpoch epoch = _route.Next();
            LastEpoch = epoch;
            Epochs++;
            _pendingStart = 0;
            _pendingEnd = _writer.Write(due, epoch.Gnss, _pending, 0);
        }

        int n = Math.Min(count, _pendingEnd - _pendingStart);
        Array.Copy(_pending, _pendingStart, buffer, offset, n);
        _pendingStart += n;
        return n;
    }

    /// <inheritdoc/>
    public bool InCoverage(long utcNowMs) => _route.Coverage.InCoverage(utcNowMs - FirstEpochUtcMs);
}
