using Tracker.Core.Time;
using Tracker.Core.Uplink;

namespace Tracker.Simulation.Car;

/// <summary>
/// The calendar clock of a simulated car: the host's (or the simulation's) UTC, set at every step.
/// Valid from the first step, whatever it reads: the host's clock is trusted, as a device's is once
/// GNSS or the modem has set it.
/// </summary>
public sealed class SimulationClock : IWallClock
{
    /// <inheritdoc/>
    public bool IsValid { get; private set; }

    /// <inheritdoc/>
    public long UtcNowMs { get; private set; }

    /// <summary>Sets the time.</summary>
    /// <param name="utcMs">UTC ms since 1970.</param>
    public void Set(long utcMs)
    {
        UtcNowMs = utcMs;
        IsValid = true;
    }
}
