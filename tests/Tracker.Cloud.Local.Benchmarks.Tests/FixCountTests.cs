using Tracker.Cloud.Local.Benchmarks.Load;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>
/// The bench's end-of-run account is a partition of the fixes the cars recorded: stored, else only in a car's log, else
/// refused by a filter, else lost; a fix both stored and still in its car's log (its PUBACK never arrived) counts once, as
/// stored. Hand-made stores and logs, by car and fix time.
/// </summary>
public sealed class FixCountTests
{
    private static readonly HostMetricsText NoMetrics = HostMetricsText.Empty;

    [Fact]
    public void AFixStoredAndStillInItsCarsLog_CountsOnce_AsStored()
    {
        var stored = Cars(("car-0001", [1000, 2000, 3000]));
        var logs = Cars(("car-0001", [3000, 4000]));

        FixCount count = FixCount.Of(recorded: 4, stored, logs, NoMetrics);

        Assert.Equal(3, count.Stored);
        Assert.Equal(1, count.StoredStillInLogs);
        Assert.Equal(1, count.OnlyInLogs);
        Assert.Equal(0, count.Lost);
    }

    [Fact]
    public void TheSameTimeInAnotherCarsLog_IsThatCarsOwnFix()
    {
        var stored = Cars(("car-0001", [1000]));
        var logs = Cars(("car-0002", [1000]));

        FixCount count = FixCount.Of(recorded: 2, stored, logs, NoMetrics);

        Assert.Equal((1L, 0L, 1L, 0L), (count.Stored, count.StoredStillInLogs, count.OnlyInLogs, count.Lost));
    }

    [Fact]
    public void AFixNeitherStoredNorInALog_IsLost()
    {
        var stored = Cars(("car-0001", [1000, 2000]), ("car-0002", [1000]));
        var logs = Cars(("car-0002", [5000]));

        FixCount count = FixCount.Of(recorded: 5, stored, logs, NoMetrics);

        Assert.Equal(1, count.Lost);
        Assert.Contains("lost 1;", count.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FixesRefusedByAFilter_AreNotLost_AndDuplicatesAreReportedApart()
    {
        HostMetricsText page = HostMetricsText.Parse(
            "tracker_ingest_fixes_total 2\ntracker_ingest_rejected_fixes_total{filter=\"duplicate\"} 7\ntracker_ingest_rejected_fixes_total{filter=\"zero\"} 1\n");
        var stored = Cars(("car-0001", [1000, 2000]));

        FixCount count = FixCount.Of(recorded: 3, stored, Cars(), page);

        Assert.Equal((0L, 1L, 7L), (count.Lost, count.RefusedTotal, count.Duplicates));
        Assert.True(count.HostCountMatches);
    }

    [Fact]
    public void AHostCountBelowTheRows_IsShown_ButLosesNoFix()
    {
        FixCount count = FixCount.Of(recorded: 2, Cars(("car-0001", [1000, 2000])), Cars(), HostMetricsText.Parse("tracker_ingest_fixes_total 1\n"));

        Assert.False(count.HostCountMatches);
        Assert.Equal(0, count.Lost);
        Assert.Contains("DIFFERS", count.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFixStoredWhileEveryLogStillHoldsIt_CountsEachOnce()
    {
        // The worst case of the 10,000-car run: the connections dropped before any PUBACK, so every log still holds all.
        long[] times = [.. Enumerable.Range(1, 50).Select(i => i * 1000L)];
        var both = Cars(("car-0001", times), ("car-0002", times));

        FixCount count = FixCount.Of(recorded: 100, both, both, NoMetrics);

        Assert.Equal((100L, 100L, 0L, 0L), (count.Stored, count.StoredStillInLogs, count.OnlyInLogs, count.Lost));
    }

    private static Dictionary<string, long[]> Cars(params (string Car, long[] Times)[] cars) =>
        cars.ToDictionary(c => c.Car, c => c.Times, StringComparer.Ordinal);
}
