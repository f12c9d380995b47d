namespace Tracker.Cloud.Core.Access;

/// <summary>What a caller may see of a car.</summary>
/// <param name="Outcome">Allowed, forbidden or not found.</param>
/// <param name="FromTs">When allowed, the first visible fix time (inclusive), UTC epoch ms.</param>
/// <param name="ToTs">When allowed, the end of the visible time (exclusive), UTC epoch ms.</param>
/// <param name="Detail">A short reason when refused, safe to show the caller.</param>
public sealed record AccessDecision(AccessOutcome Outcome, long FromTs, long ToTs, string Detail)
{
    /// <summary>Everything, for operators.</summary>
    public static AccessDecision Everything { get; } = new(AccessOutcome.Allowed, long.MinValue, long.MaxValue, string.Empty);

    /// <summary>True when allowed.</summary>
    public bool IsAllowed => Outcome == AccessOutcome.Allowed;

    /// <summary>True when <paramref name="ts"/> lies in [<see cref="FromTs"/>, <see cref="ToTs"/>).</summary>
    /// <param name="ts">A fix time.</param>
    /// <returns>Whether it is visible.</returns>
    public bool Covers(long ts) => IsAllowed && ts >= FromTs && ts < ToTs;

    /// <summary>A refusal.</summary>
    /// <param name="outcome">Forbidden or not found.</param>
    /// <param name="detail">Why, safe to show.</param>
    /// <returns>The decision.</returns>
    public static AccessDecision Refuse(AccessOutcome outcome, string detail) => new(outcome, 0, 0, detail);
}
