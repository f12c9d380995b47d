using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>What a frozen host did to the fleet: the fixes waiting in the cars' logs before, at the peak, and after it came back.</summary>
/// <param name="Paused">How long the host was frozen.</param>
/// <param name="PendingBefore">Fixes not yet acknowledged when it froze.</param>
/// <param name="PendingPeak">The most while frozen or catching up.</param>
/// <param name="PendingAfter">When the watch ended.</param>
/// <param name="Recovered">From the resume until the moving cars' backlog was back to the level before the freeze (per car); null when it was not within the window.</param>
/// <param name="Holders">The cars still holding fixes when the watch ended, by uplink state.</param>
/// <param name="Drained">What the host stored from the resume until the watch ended (its counters' difference): the rate it
/// drains a backlog at, which the cars send in batches as large as their logs hold (up to the uplink's 100 fixes).</param>
public sealed record PauseReport(TimeSpan Paused, long PendingBefore, long PendingPeak, long PendingAfter, TimeSpan? Recovered, string Holders, DrainRate Drained)
{
    /// <inheritdoc />
    public override string ToString()
    {
        string recovery = Recovered is { } r
            ? string.Create(CultureInfo.InvariantCulture, $"the moving cars caught up {r.TotalSeconds:0.0} s after the resume")
            : "the moving cars had not caught up by the end of the measured window";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"host frozen {Paused.TotalSeconds:0.#} s (SIGSTOP): fixes waiting in the cars' logs {PendingBefore} before, peak {PendingPeak}, {PendingAfter} after ({(Holders.Length == 0 ? "none held" : Holders)}); {recovery}, the host storing {Drained}");
    }
}

/// <summary>The host's stored fixes and messages over a stretch of time.</summary>
/// <param name="Fixes">Fixes newly stored.</param>
/// <param name="Messages">Messages ingested.</param>
/// <param name="Elapsed">The stretch.</param>
public sealed record DrainRate(double Fixes, double Messages, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString()
    {
        double seconds = Math.Max(Elapsed.TotalSeconds, 1e-3);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Fixes / seconds:0} fixes/s ({Messages / seconds:0} messages/s, {(Messages > 0 ? Fixes / Messages : 0):0.0} fixes each; {Fixes:0} fixes in {Elapsed.TotalSeconds:0.0} s)");
    }
}
