namespace Tracker.Simulation.Routes;

/// <summary>
/// When one car has cellular coverage: dead zones of <see cref="RouteOptions.DeadZoneDuration"/>,
/// with <see cref="RouteOptions.DeadZoneEvery"/> between them, on the drive's own clock (parked or
/// not: a car parked in an underground garage has no network either). The car keeps its GNSS fix.
/// </summary>
/// <remarks>
/// Drawn lazily from the car's own random stream and kept (one entry per dead zone, a few dozen a
/// day), so any time can be asked in any order and always gets the same answer.
/// </remarks>
public sealed class CoverageSchedule
{
    private readonly RouteOptions _options;
    private readonly SimRandom _random;
    private readonly List<long> _starts = [];
    private readonly List<long> _ends = [];
    private long _drawnUntilMs;

    internal CoverageSchedule(RouteOptions options, SimRandom random)
    {
        _options = options;
        _random = random;
    }

    /// <summary>Dead zones drawn so far (for measurements).</summary>
    public int DeadZonesDrawn => _starts.Count;

    /// <summary>True when the car has network at <paramref name="elapsedMs"/> after the drive began (always before it began).</summary>
    /// <param name="elapsedMs">Milliseconds since the drive's first epoch.</param>
    /// <returns>False inside a dead zone.</returns>
    public bool InCoverage(long elapsedMs)
    {
        if (!_options.DeadZones || elapsedMs < 0)
        {
            return true;
        }

        while (_starts.Count == 0 || _starts[^1] <= elapsedMs)
        {
            long start = _drawnUntilMs + ToMs(_options.DeadZoneEvery.Draw(_random));
            long end = start + Math.Max(1000, ToMs(_options.DeadZoneDuration.Draw(_random)));
            _starts.Add(start);
            _ends.Add(end);
            _drawnUntilMs = end;
        }

        // The last dead zone that starts at or before the time, if any, decides.
        int index = _starts.BinarySearch(elapsedMs);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index < 0 || elapsedMs >= _ends[index];
    }

    private static long ToMs(double seconds) => (long)Math.Round(seconds * 1000);
}
