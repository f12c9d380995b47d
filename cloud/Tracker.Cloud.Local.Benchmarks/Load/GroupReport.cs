using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The store's write transactions in the measured window, from the host's <c>tracker_store_group_messages</c> histogram
/// read at its start and end: how many, and how many messages each held on average. A group holds what waited while the
/// one before it committed, so its size is bounded by the messages ingest lets at the store at once (IngestGate).
/// </summary>
/// <param name="Groups">Transactions committed in the window.</param>
/// <param name="Messages">Messages they held.</param>
/// <param name="Largest">The most one transaction held since the host started.</param>
public sealed record GroupReport(double Groups, double Messages, double Largest)
{
    /// <summary>The window's groups from the page read at its start and the one at its end.</summary>
    /// <param name="before">The page at the window's start.</param>
    /// <param name="after">The page at its end (this life's, when the host was restarted in the window).</param>
    /// <param name="carried">The first life's last page when the host was restarted in the window, else <see cref="HostMetricsText.Empty"/>.</param>
    /// <returns>The report.</returns>
    public static GroupReport Of(HostMetricsText before, HostMetricsText after, HostMetricsText carried)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(carried);
        HostMetricsText total = after.Plus(carried);
        return new GroupReport(
            total["tracker_store_group_messages_count"] - before["tracker_store_group_messages_count"],
            total["tracker_store_group_messages_sum"] - before["tracker_store_group_messages_sum"],
            after["tracker_store_group_messages_max"]);
    }

    /// <inheritdoc />
    public override string ToString() => Groups <= 0
        ? "none committed in the window (or the store does not group its writes)"
        : string.Create(CultureInfo.InvariantCulture, $"{Groups:0} in the window, {Messages / Groups:0.00} messages each on average (largest since start {Largest:0})");
}
