namespace Tracker.Cloud.Lambda.Cli;

/// <summary>A clock stopped at one instant (<c>--now</c>), so a sample event with fixed timestamps and token expiry replays the same way every day.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
