using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The end-of-run account of every fix: the cars recorded <see cref="Recorded"/>; each is stored once, rejected by a named
/// ingest filter, or still in its car's log. What is none of these is <see cref="Lost"/>. A fix delivered again (a
/// batch resent after a lost PUBACK) is refused by the store as a <c>duplicate</c> and counted apart, not as stored.
/// </summary>
/// <param name="Recorded">Fixes the cars' report policies appended to their logs.</param>
/// <param name="LeftInLogs">Fixes still in the cars' logs when they stopped.</param>
/// <param name="StoredRows">Rows in the store's fixes table (one per car and time: its primary key).</param>
/// <param name="AcceptedByHost">Fixes the host counted as newly stored.</param>
/// <param name="Duplicates">Fixes delivered again and refused as duplicates.</param>
/// <param name="Rejected">Fixes rejected by the other filters (bad data, not load), by filter.</param>
public sealed record FixCount(long Recorded, long LeftInLogs, long StoredRows, long AcceptedByHost, long Duplicates, IReadOnlyDictionary<string, double> Rejected)
{
    /// <summary>Recorded, minus stored, rejected and left: 0 unless a fix vanished.</summary>
    public long Lost => Recorded - StoredRows - (long)Rejected.Values.Sum() - LeftInLogs;

    /// <summary>The account from the fleet's counts, the host's final metrics and the store's row count.</summary>
    /// <param name="recorded">Fixes the cars recorded.</param>
    /// <param name="left">Fixes left in the cars' logs.</param>
    /// <param name="metrics">The host's metrics after the drain.</param>
    /// <param name="storedRows">Rows in the store.</param>
    /// <returns>The account.</returns>
    public static FixCount Of(long recorded, long left, HostMetricsText metrics, long storedRows)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        IReadOnlyDictionary<string, double> byFilter = metrics.Labelled("tracker_ingest_rejected_fixes_total");
        return new FixCount(
            recorded,
            left,
            storedRows,
            (long)metrics["tracker_ingest_fixes_total"],
            byFilter.TryGetValue("duplicate", out double d) ? (long)d : 0,
            byFilter.Where(p => p.Key != "duplicate").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"fixes: {Recorded} recorded by the cars = {StoredRows} stored (host counted {AcceptedByHost}) + {(long)Rejected.Values.Sum()} rejected by filters ({(Rejected.Count == 0 ? "none" : string.Join(", ", Rejected.Select(p => p.Key + "=" + p.Value)))}) + {LeftInLogs} left in logs; lost {Lost}; delivered twice and deduplicated {Duplicates}, stored twice 0 (primary key car, time; stored rows {(StoredRows == AcceptedByHost ? "equal" : "DIFFER from")} the host's count)");
}
