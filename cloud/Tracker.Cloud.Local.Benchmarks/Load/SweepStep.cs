using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// One step of the saturation sweep: what the cars offered and what the host stored in one measured window, and
/// whether the host kept up (<see cref="Judge"/>).
/// </summary>
/// <param name="Cars">Cars running in the step.</param>
/// <param name="Seconds">The window's length.</param>
/// <param name="OfferedFixes">Fixes the cars recorded in the window (what they offer the host).</param>
/// <param name="StoredFixes">Fixes the host newly stored in the window.</param>
/// <param name="StoredMessages">Messages (batches) the host stored in the window.</param>
/// <param name="P50Ms">Publish to PUBACK (sent once stored), median, over the window's batches; NaN when none.</param>
/// <param name="P99Ms">The same, 99th percentile.</param>
/// <param name="BacklogBefore">Fixes in the moving cars' logs not yet acknowledged, at the window's start.</param>
/// <param name="BacklogAfter">The same at its end.</param>
public sealed record SweepStep(int Cars, double Seconds, long OfferedFixes, long StoredFixes, long StoredMessages, double P50Ms, double P99Ms, long BacklogBefore, long BacklogAfter)
{
    /// <summary>Publish to stored p99 above this is behind (issue 19's bound).</summary>
    public const double MaxP99Ms = 1000;

    /// <summary>Storing less than this share of what was offered is behind.</summary>
    public const double MinStoredShare = 0.9;

    /// <summary>The moving cars' logs growing by more than this share of what was offered is behind (fixes piling up).</summary>
    public const double MaxBacklogGrowthShare = 0.1;

    /// <summary>Fixes stored a second.</summary>
    public double FixesPerSecond => StoredFixes / Seconds;

    /// <summary>Messages stored a second.</summary>
    public double MessagesPerSecond => StoredMessages / Seconds;

    /// <summary>Fixes offered a second.</summary>
    public double OfferedPerSecond => OfferedFixes / Seconds;

    /// <summary>
    /// Whether the host kept up with this step: it did unless its p99 passed <see cref="MaxP99Ms"/>, it stored less
    /// than <see cref="MinStoredShare"/> of the fixes offered, or the moving cars' logs grew by more than
    /// <see cref="MaxBacklogGrowthShare"/> of them. A window in which nothing was offered, or no batch was timed, says
    /// nothing about the host and is not kept up.
    /// </summary>
    /// <returns>The verdict, with the reason in words.</returns>
    public SweepVerdict Judge()
    {
        if (OfferedFixes <= 0 || Seconds <= 0)
        {
            return new SweepVerdict(false, "the cars offered no fix in the window: nothing to judge (are they moving? is --seconds long enough?)");
        }

        if (double.IsNaN(P99Ms))
        {
            return new SweepVerdict(false, "no batch was acknowledged in the window");
        }

        if (P99Ms > MaxP99Ms)
        {
            return new SweepVerdict(false, Text($"publish -> stored p99 {P99Ms:0} ms is over {MaxP99Ms:0} ms"));
        }

        if (StoredFixes < MinStoredShare * OfferedFixes)
        {
            return new SweepVerdict(false, Text($"stored {StoredFixes} of {OfferedFixes} fixes offered ({100.0 * StoredFixes / OfferedFixes:0} %, under {100 * MinStoredShare:0} %)"));
        }

        long growth = BacklogAfter - BacklogBefore;
        if (growth > MaxBacklogGrowthShare * OfferedFixes)
        {
            return new SweepVerdict(false, Text($"the moving cars' logs grew by {growth} fixes, over {100 * MaxBacklogGrowthShare:0} % of the {OfferedFixes} offered"));
        }

        return new SweepVerdict(true, "kept up");
    }

    /// <inheritdoc />
    public override string ToString() => Text(
        $"{Cars,6} cars: offered {OfferedPerSecond,8:0.0} fixes/s, stored {FixesPerSecond,8:0.0} fixes/s ({MessagesPerSecond,7:0.0} messages/s), publish -> stored p50 {P50Ms:0} ms p99 {P99Ms:0} ms, moving cars' logs {BacklogBefore} -> {BacklogAfter}");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A sweep step's verdict.</summary>
/// <param name="KeptUp">True when the host kept up with the step.</param>
/// <param name="Reason">Why not, in words ("kept up" when it did).</param>
public sealed record SweepVerdict(bool KeptUp, string Reason);
