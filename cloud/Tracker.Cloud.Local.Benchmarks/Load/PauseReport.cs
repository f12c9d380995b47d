using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>What a frozen host did to the fleet: the fixes waiting in the cars' logs before, at the peak, and after it came back.</summary>
/// <param name="Paused">How long the host was frozen.</param>
/// <param name="PendingBefore">Fixes not yet acknowledged when it froze.</param>
/// <param name="PendingPeak">The most while frozen or catching up.</param>
/// <param name="PendingAfter">When the watch ended.</param>
/// <param name="Recovered">From the resume until the moving cars' backlog was back to the level before the freeze (per car); null when it was not within the window.</param>
/// <param name="Holders">The cars still holding fixes when the watch ended, by uplink state.</param>
public sealed record PauseReport(TimeSpan Paused, long PendingBefore, long PendingPeak, long PendingAfter, TimeSpan? Recovered, string Holders)
{
    /// <inheritdoc />
    public override string ToString()
    {
        string recovery = Recovered is { } r
            ? string.Create(CultureInfo.InvariantCulture, $"the moving cars caught up {r.TotalSeconds:0.0} s after the resume")
            : "the moving cars had not caught up by the end of the measured window";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"host frozen {Paused.TotalSeconds:0.#} s (SIGSTOP): fixes waiting in the cars' logs {PendingBefore} before, peak {PendingPeak}, {PendingAfter} after ({(Holders.Length == 0 ? "none held" : Holders)}); {recovery}");
    }
}
