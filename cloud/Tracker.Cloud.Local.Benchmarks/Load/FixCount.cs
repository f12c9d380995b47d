using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The end-of-run account of every fix the cars recorded, as a partition: each is <see cref="Stored"/> (a row in the
/// store, keyed on car and fix time, so never twice), else still waiting in its car's log (<see cref="OnlyInLogs"/>), else
/// refused by a named ingest filter, else <see cref="Lost"/>. A fix stored whose acknowledgement never reached its car (the
/// connection dropped first) is both a row and a record in the log: it counts once, as stored, and is shown as
/// <see cref="StoredStillInLogs"/>. Deliveries of an already-stored fix (a batch sent again), which the store refused as
/// duplicates, are reported apart (<see cref="Duplicates"/>): they are extra work, not extra fixes.
/// </summary>
/// <param name="Recorded">Fixes the cars' report policies appended to their logs (the cars' own counters).</param>
/// <param name="Stored">Rows in the store, distinct by car and fix time.</param>
/// <param name="StoredStillInLogs">Of <see cref="Stored"/>, those still in their car's log (stored, acknowledgement not received).</param>
/// <param name="OnlyInLogs">Fixes in a car's log and not in the store: still to send.</param>
/// <param name="Duplicates">Deliveries the store refused because the fix was already stored (the host's <c>duplicate</c> filter count).</param>
/// <param name="Refused">Fixes the host's other ingest filters refused (bad data, not load), by filter.</param>
/// <param name="HostCounted">The host's own count of fixes newly stored (<c>tracker_ingest_fixes_total</c>).</param>
public sealed record FixCount(long Recorded, long Stored, long StoredStillInLogs, long OnlyInLogs, long Duplicates, IReadOnlyDictionary<string, double> Refused, long HostCounted)
{
    /// <summary>Fixes refused by the filters other than <c>duplicate</c>.</summary>
    public long RefusedTotal => (long)Refused.Values.Sum();

    /// <summary>Recorded, and neither stored, nor in a log, nor refused by a filter: 0 unless a fix vanished.</summary>
    public long Lost => Recorded - Stored - OnlyInLogs - RefusedTotal;

    /// <summary>True when the host's own count of fixes stored equals the rows in its store.</summary>
    public bool HostCountMatches => HostCounted == Stored;

    /// <summary>The account from what the run left: the store's rows and the cars' logs, by car and fix time.</summary>
    /// <param name="recorded">Fixes the cars recorded.</param>
    /// <param name="stored">The store's fix times by car (<see cref="FixTimes.InStore"/>), each ascending and distinct.</param>
    /// <param name="inLogs">The cars' logs' fix times by car (<see cref="FixTimes.InCarLogs"/>), each ascending.</param>
    /// <param name="metrics">The host's metrics once it had stored all it was given.</param>
    /// <returns>The account.</returns>
    public static FixCount Of(long recorded, IReadOnlyDictionary<string, long[]> stored, IReadOnlyDictionary<string, long[]> inLogs, HostMetricsText metrics)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(inLogs);
        ArgumentNullException.ThrowIfNull(metrics);
        long rows = stored.Values.Sum(t => (long)t.Length);
        long both = 0;
        long onlyInLogs = 0;
        foreach ((string car, long[] logged) in inLogs)
        {
            long[] rowsOfCar = stored.TryGetValue(car, out long[]? r) ? r : [];
            int i = 0;
            long previous = long.MinValue;
            foreach (long ts in logged)
            {
                if (ts == previous)
                {
                    continue; // one fix twice in a log (it cannot be: a log's records are distinct) is still one fix
                }

                previous = ts;
                while (i < rowsOfCar.Length && rowsOfCar[i] < ts)
                {
                    i++;
                }

                if (i < rowsOfCar.Length && rowsOfCar[i] == ts)
                {
                    both++;
                }
                else
                {
                    onlyInLogs++;
                }
            }
        }

        IReadOnlyDictionary<string, double> byFilter = metrics.Labelled("tracker_ingest_rejected_fixes_total");
        return new FixCount(
            recorded,
            rows,
            both,
            onlyInLogs,
            byFilter.TryGetValue("duplicate", out double d) ? (long)d : 0,
            byFilter.Where(p => p.Key != "duplicate" && p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            (long)metrics["tracker_ingest_fixes_total"]);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"fixes: {Recorded} recorded by the cars = {Stored} stored ({StoredStillInLogs} of them still in their cars' logs, the PUBACK not received) + {OnlyInLogs} only in the cars' logs (to send) + {RefusedTotal} refused by filters ({(Refused.Count == 0 ? "none" : string.Join(", ", Refused.Select(p => p.Key + "=" + p.Value)))}) + the lost: lost {Lost}; "
        + $"{Duplicates} deliveries of a fix already stored were deduplicated (none is stored twice: the store's key is car and time); the host counted {HostCounted} newly stored ({(HostCountMatches ? "equal to" : "DIFFERS from")} the rows)");
}
