using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>How the host let a fleet in: cars connected of all, how long it took, the best 1-second accept rate, and what the broker refused.</summary>
/// <param name="Cars">Cars started.</param>
/// <param name="Connected">Cars connected when the watch ended.</param>
/// <param name="Seconds">From the first car's start to the last connection (or to the timeout).</param>
/// <param name="PeakAcceptsPerSecond">The most connections let in over any 1 s.</param>
/// <param name="Refused">The broker's refusals by reason (connect, publish, subscribe).</param>
public sealed record StormReport(int Cars, long Connected, double Seconds, double PeakAcceptsPerSecond, IReadOnlyDictionary<string, double> Refused)
{
    /// <summary>True when every car got in.</summary>
    public bool AllConnected => Connected >= Cars;

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"connect storm: {Connected} of {Cars} cars connected in {Seconds:0.0} s (mean {Connected / Math.Max(Seconds, 0.001):0} a second, peak {PeakAcceptsPerSecond:0} in 1 s); refused: {(Refused.Count == 0 ? "none" : string.Join(", ", Refused.Select(p => p.Key + "=" + p.Value)))}");
}
