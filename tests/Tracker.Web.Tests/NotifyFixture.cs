using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// One local host for the notifications panel's browser tests: no simulated cars, the fleet's overspeed at 100 km/h, and a
/// clock the tests move forward (its timers stay real), so that a webhook's ten attempts over about 17 minutes of backoff
/// fail in seconds. Its own host: the moved clock must not reach the other browser tests.
/// </summary>
public sealed class NotifyFixture : BrowserFixture
{
    /// <summary>The clock the host runs on.</summary>
    public MovedClock MovedClock { get; } = new();

    /// <inheritdoc />
    protected override TimeProvider? Clock => MovedClock;

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 0, OverspeedKmh = AlertsFixture.OverspeedKmh, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };
}

/// <summary>The system's time moved on by <see cref="Shift"/>; timers are the system's.</summary>
public sealed class MovedClock : TimeProvider
{
    private long _shiftTicks;

    /// <summary>How far ahead of the system's time.</summary>
    public TimeSpan Shift
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
        set => Interlocked.Exchange(ref _shiftTicks, value.Ticks);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
