using Tracker.Core.Common;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Reporting;

/// <summary>The default policy over the real three-hour Garmin drive in ../shared/data/drives.</summary>
public class ReportPolicyDriveTests(ITestOutputHelper output)
{
    [SharedDataFact(DriveData.DrivePath)]
    public void GarminDrive_DefaultPolicy_GivesSaneFigures()
    {
        Fix[] fixes = DriveData.LoadFixes()!;
        PolicyRun run = PolicyRun.Of(fixes);
        ReportDecision[] records = run.Records;

        long spanS = (fixes[^1].TimeMs - fixes[0].TimeMs) / 1000;
        long[] fixGaps = [.. fixes.Zip(fixes.Skip(1), (a, b) => (b.TimeMs - a.TimeMs) / 1000)];
        long[] recordGaps = [.. records.Zip(records.Skip(1), (a, b) => (b.Fix.TimeMs - a.Fix.TimeMs) / 1000)];
        double km = fixes.Zip(fixes.Skip(1), (a, b) => GeoMath.DistanceCm(a.LatE7, a.LonE7, b.LatE7, b.LonE7)).Sum() / 1e5;
        double recordKm = records.Zip(records.Skip(1), (a, b) => GeoMath.DistanceCm(a.Fix.LatE7, a.Fix.LonE7, b.Fix.LatE7, b.Fix.LonE7)).Sum() / 1e5;

        output.WriteLine($"{fixes.Length} fixes over {spanS} s ({spanS / 3600.0:F2} h); fix interval: " +
            string.Join(", ", fixGaps.GroupBy(g => g).OrderBy(g => g.Key).Take(8).Select(g => $"{g.Key} s x{g.Count()}")) +
            $"; largest fix gap {fixGaps.Max()} s; {km:F1} km along the fixes");
        output.WriteLine($"{records.Length} records ({100.0 * records.Length / fixes.Length:F1}% of fixes), " +
            $"{recordKm:F1} km along the records; max record gap {recordGaps.Max()} s, min {recordGaps.Min()} s");
        foreach (var g in run.Decisions.GroupBy(d => (d.IsRecord, d.Reason)).OrderByDescending(g => g.Key.IsRecord).ThenBy(g => g.Key.Reason))
        {
            output.WriteLine($"  {(g.Key.IsRecord ? "record" : "skip  ")} {g.Key.Reason,-20} {g.Count(),5}");
        }

        output.WriteLine($"moving fixes {run.Decisions.Count(d => d.Motion == MotionState.Moving)}, stopped fixes {run.Decisions.Count(d => d.Motion == MotionState.Stopped)}");
        foreach (ReportDecision d in records.Where(r => r.Reason is ReportReason.StartedMoving or ReportReason.StoppedMoving))
        {
            output.WriteLine($"  {DateTimeOffset.FromUnixTimeMilliseconds(d.Fix.TimeMs):HH:mm:ss} {d.Reason}");
        }

        // Gaps between records while fixes kept coming (no outage in between), by the profile the gap began in.
        long movingGap = 0, stoppedGap = 0;
        int fixIndex = 0;
        for (int i = 1; i < records.Length; i++)
        {
            long largestFixGap = 0;
            while (fixes[fixIndex].TimeMs < records[i].Fix.TimeMs)
            {
                largestFixGap = Math.Max(largestFixGap, fixes[fixIndex + 1].TimeMs - fixes[fixIndex].TimeMs);
                fixIndex++;
            }

            if (largestFixGap <= ReportPolicy.EvidenceGapMs)
            {
                long gap = (records[i].Fix.TimeMs - records[i - 1].Fix.TimeMs) / 1000;
                if (records[i - 1].Motion == MotionState.Moving)
                {
                    movingGap = Math.Max(movingGap, gap);
                }
                else
                {
                    stoppedGap = Math.Max(stoppedGap, gap);
                }
            }
        }

        output.WriteLine($"max record gap without an outage: moving {movingGap} s, stopped {stoppedGap} s");

        // About 3 h and 137 km, 2 s epochs. Sane: a record every 10 to 30 s on average, the route kept.
        Assert.InRange(records.Length, 400, 1100);
        Assert.True(recordKm >= 0.97 * km, $"records trace {recordKm:F1} of {km:F1} km");
        Assert.InRange(run.Count(ReportReason.StoppedMoving), 3, 15);
        Assert.InRange(run.Count(ReportReason.StartedMoving), run.Count(ReportReason.StoppedMoving) - 1, run.Count(ReportReason.StoppedMoving));
        Assert.All(new[] { ReportReason.Heading, ReportReason.Distance, ReportReason.SpeedDelta }, r => Assert.True(run.Count(r) > 20, r.ToString()));
        Assert.Equal(ReportConfig.Default.MovingMinPeriodS + 1, recordGaps.Min());
        Assert.InRange(movingGap, 1, ReportConfig.Default.MovingMaxPeriodS + 2);
        Assert.InRange(stoppedGap, 1, ReportConfig.Default.StoppedHeartbeatS + 2);
    }
}
