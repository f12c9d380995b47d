namespace Tracker.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that says what the test tells it and moves only when told: for the cloud's logic
/// (ingest's <c>future</c> and <c>past</c> filters, rentals, token expiry, the archive's day). It has no timers of its
/// own; a test of timers uses Microsoft.Extensions.Time.Testing's FakeTimeProvider.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    /// <summary>Starts at <paramref name="now"/>.</summary>
    /// <param name="now">The first time it reports.</param>
    public ManualClock(DateTimeOffset now) => Now = now;

    /// <summary>Starts at <paramref name="nowMs"/>, UTC epoch milliseconds.</summary>
    /// <param name="nowMs">The first time it reports.</param>
    public ManualClock(long nowMs) => NowMs = nowMs;

    /// <summary>The time it reports; set it to move the clock either way.</summary>
    public DateTimeOffset Now { get; set; }

    /// <summary>The same, as UTC epoch milliseconds.</summary>
    public long NowMs
    {
        get => Now.ToUnixTimeMilliseconds();
        set => Now = DateTimeOffset.FromUnixTimeMilliseconds(value);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far.</param>
    public void Advance(TimeSpan by) => Now += by;
}
