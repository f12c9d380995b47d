using Tracker.Core.Time;

namespace Tracker.Testing;

/// <summary>
/// The firmware's calendar clock (<see cref="IWallClock"/>) as a test sets it: valid or not yet set (before GNSS or the
/// network gave the time), and the UTC time in milliseconds.
/// </summary>
public sealed class ManualWallClock : IWallClock
{
    /// <summary>2025-06-15T15:06:40Z, where the firmware tests' clocks start unless told otherwise.</summary>
    public const long DefaultUtcNowMs = 1_750_000_000_000;

    /// <summary>A valid clock at <paramref name="utcNowMs"/>.</summary>
    /// <param name="utcNowMs">UTC epoch milliseconds.</param>
    public ManualWallClock(long utcNowMs = DefaultUtcNowMs) => UtcNowMs = utcNowMs;

    /// <inheritdoc />
    public bool IsValid { get; set; } = true;

    /// <inheritdoc />
    public long UtcNowMs { get; set; }
}
