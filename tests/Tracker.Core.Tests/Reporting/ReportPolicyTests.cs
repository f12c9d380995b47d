using Tracker.Core.Common;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.Core.Tests.Reporting;

/// <summary>One or more tests per rule of <see cref="ReportPolicy"/>, with the default configuration unless stated.</summary>
public class ReportPolicyTests
{
    // Reno, Nevada: near the captured drive.
    private const double Lat = 39.5296, Lon = -119.8138;

    private static FixScript Start(double speedKmh, double courseDeg = 0) =>
        new FixScript(FixScript.T0, Lat, Lon).Add(speedKmh, courseDeg, stepMs: 0);

    private static double Seconds(ReportDecision a, ReportDecision b) => (b.Fix.TimeMs - a.Fix.TimeMs) / 1000.0;

    // ---- first fix and boot state ----

    [Fact]
    public void FirstFix_IsRecorded()
    {
        ReportDecision d = new ReportPolicy(ReportConfig.Default).Decide(FixScript.At(FixScript.T0, Lat, Lon, 50, 90));
        Assert.True(d.IsRecord);
        Assert.Equal(ReportReason.FirstFix, d.Reason);
    }

    [Fact]
    public void FirstFix_AtSpeed_StartsMovingAndKeepsTheFix()
    {
        Fix f = FixScript.At(FixScript.T0, Lat, Lon, 50, 90);
        ReportDecision d = new ReportPolicy(ReportConfig.Default).Decide(f);
        Assert.Equal(MotionState.Moving, d.Motion);
        Assert.Equal(f, d.Fix);
    }

    [Fact]
    public void FirstFix_Slow_StartsStoppedWithSpeedReadAsZero()
    {
        Fix f = FixScript.At(FixScript.T0, Lat, Lon, 2, 123);
        ReportDecision d = new ReportPolicy(ReportConfig.Default).Decide(f);
        Assert.Equal(MotionState.Stopped, d.Motion);
        Assert.Equal(0, d.Fix.SpeedMmps);
        Assert.Equal((f.LatE7, f.LonE7, f.CourseCdeg), (d.Fix.LatE7, d.Fix.LonE7, d.Fix.CourseCdeg));
    }

    [Fact]
    public void FirstFix_UnknownSpeed_StartsStoppedAndKeepsSpeedUnknown()
    {
        ReportDecision d = new ReportPolicy(ReportConfig.Default).Decide(FixScript.At(FixScript.T0, Lat, Lon));
        Assert.Equal(MotionState.Stopped, d.Motion);
        Assert.Equal(Fix.Unknown, d.Fix.SpeedMmps);
    }

    [Fact]
    public void Reset_MakesTheNextFixAFirstFix()
    {
        var policy = new ReportPolicy(ReportConfig.Default);
        Fix[] fixes = Start(50).Drive(10, 50, 0).Fixes;
        PolicyRun.Of(policy, fixes);
        policy.Reset();
        Assert.Equal(ReportReason.FirstFix, policy.Decide(fixes[^1]).Reason);
    }

    [Fact]
    public void Skip_CarriesTheInputFixUnchanged()
    {
        Fix[] fixes = Start(50).Drive(3, 50, 0).Fixes;
        PolicyRun run = PolicyRun.Of(fixes);
        Assert.False(run.Decisions[1].IsRecord);
        Assert.Equal(fixes[1], run.Decisions[1].Fix);
    }

    // ---- moving profile rules ----

    [Fact]
    public void Moving_StraightAtHighwaySpeed_RecordsEveryMinDistance()
    {
        // 95 km/h is 26.4 m/s: 250 m is passed on every tenth fix.
        PolicyRun run = PolicyRun.Of(Start(95, 45).Drive(120, 95, 45).Fixes);
        ReportDecision[] records = run.Records;
        Assert.Equal(13, records.Length);
        for (int i = 1; i < records.Length; i++)
        {
            Assert.Equal(ReportReason.Distance, records[i].Reason);
            Assert.Equal(10, Seconds(records[i - 1], records[i]));
        }
    }

    [Fact]
    public void Moving_SlowWithNothingElseFiring_RecordsAtMaxPeriod()
    {
        // 12 km/h covers 200 m a minute, under the 250 m distance.
        ReportDecision[] records = PolicyRun.Of(Start(12).Drive(300, 12, 0).Fixes).Records;
        Assert.Equal(6, records.Length);
        Assert.All(records[1..], r => Assert.Equal(ReportReason.MaxPeriod, r.Reason));
        Assert.All(records[1..], r => Assert.Equal(0, (r.Fix.TimeMs - FixScript.T0) % 60000));
    }

    [Fact]
    public void Moving_TurnAtSpeed_RecordsHeading()
    {
        FixScript s = Start(40).Drive(20, 40, 0);
        int turnIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(3, 40, 20).Fixes);
        Assert.Equal(ReportReason.Heading, run.Decisions[turnIndex].Reason);
        Assert.True(run.Decisions[turnIndex].IsRecord);
    }

    [Fact]
    public void Moving_TurnSmallerThanHeadingDeg_DoesNotRecord()
    {
        FixScript s = Start(40).Drive(20, 40, 0);
        int turnIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(1, 40, 14).Fixes);
        Assert.Equal(ReportReason.NoTrigger, run.Decisions[turnIndex].Reason);
    }

    [Fact]
    public void Moving_TurnBelowMinSpeedForHeading_DoesNotRecordHeading()
    {
        FixScript s = Start(9).Drive(20, 9, 0);
        int turnIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(1, 9, 90).Fixes);
        Assert.Equal(ReportReason.NoTrigger, run.Decisions[turnIndex].Reason);
    }

    [Theory]
    [InlineData(355, 5, false)]
    [InlineData(350, 10, true)]
    [InlineData(5, 350, true)]
    [InlineData(1, 359, false)]
    public void Moving_HeadingAcrossNorth_UsesTheSmallerAngle(double from, double to, bool fires)
    {
        FixScript s = Start(40, from).Drive(10, 40, from);
        int turnIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(1, 40, to).Fixes);
        Assert.Equal(fires ? ReportReason.Heading : ReportReason.NoTrigger, run.Decisions[turnIndex].Reason);
    }

    [Fact]
    public void Moving_TurnWithinMinPeriod_IsSuppressedThenRecordedWhenThePeriodEnds()
    {
        PolicyRun run = PolicyRun.Of(Start(40).Drive(2, 40, 0).Drive(6, 40, 90).Fixes);

        // Fixes at 1..2 s go north, 3..8 s go east; the first record after the first fix is at 5 s.
        Assert.Equal(ReportReason.SuppressedMinPeriod, run.Decisions[3].Reason);
        Assert.Equal(ReportReason.SuppressedMinPeriod, run.Decisions[4].Reason);
        Assert.Equal(ReportReason.Heading, run.Decisions[5].Reason);
        Assert.Single(run.Records, r => r.Reason == ReportReason.Heading);
    }

    [Theory]
    [InlineData(30, 55)]
    [InlineData(80, 55)]
    public void Moving_SpeedChangeOfSpeedDelta_RecordsSpeedDelta(double before, double after)
    {
        FixScript s = Start(before).Drive(10, before, 0);
        int changeIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(2, after, 0).Fixes);
        Assert.Equal(ReportReason.SpeedDelta, run.Decisions[changeIndex].Reason);
    }

    [Fact]
    public void Moving_SpeedChangeBelowSpeedDelta_DoesNotRecord()
    {
        FixScript s = Start(30).Drive(10, 30, 0);
        int changeIndex = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(2, 49, 0).Fixes);
        Assert.Equal(ReportReason.NoTrigger, run.Decisions[changeIndex].Reason);
    }

    [Fact]
    public void Moving_UnknownSpeedAndCourse_OnlyDistanceAndPeriodRulesFire()
    {
        var s = new FixScript(FixScript.T0, Lat, Lon);
        s.Drive(600, 50, 0, turnDegPerS: 3, speedKnown: false, courseKnown: false);
        PolicyRun run = PolicyRun.Of(s.Fixes);
        Assert.Equal(MotionState.Moving, run.Decisions[^1].Motion);
        Assert.All(run.Records, r => Assert.Contains(r.Reason, new[]
        {
            ReportReason.FirstFix, ReportReason.StartedMoving, ReportReason.Distance, ReportReason.MaxPeriod,
        }));
        Assert.True(run.Count(ReportReason.Distance) > 10);
    }

    [Fact]
    public void Moving_RulesSetToZero_AreOff()
    {
        ReportConfig config = PolicyRun.Config(
            (ReportSetting.MovingMinDistanceM, 0), (ReportSetting.MovingHeadingDeg, 0), (ReportSetting.MovingSpeedDeltaKmh, 0));
        Fix[] fixes = Start(90).Drive(60, 90, 0, turnDegPerS: 5).Drive(60, 20, 0, turnDegPerS: -5).Fixes;
        PolicyRun run = PolicyRun.Of(fixes, config);
        Assert.Equal(new[] { ReportReason.FirstFix, ReportReason.MaxPeriod, ReportReason.MaxPeriod }, run.Records.Select(r => r.Reason));
    }

    // ---- profile switch and hysteresis ----

    [Fact]
    public void ParkedThenDriving_SwitchesToMovingAfterStartDelay()
    {
        FixScript s = Start(0).Park(120, 5, seed: 1);
        int firstDriveIndex = s.Fixes.Length;
        Fix[] fixes = s.Drive(30, 30, 0).Fixes;
        PolicyRun run = PolicyRun.Of(fixes);

        int startIndex = Array.FindIndex(run.Decisions, d => d.Reason == ReportReason.StartedMoving);
        Assert.Equal(firstDriveIndex + 3, startIndex);
        Assert.Equal(MotionState.Moving, run.Decisions[startIndex].Motion);
        Assert.Equal(MotionState.Stopped, run.Decisions[startIndex - 1].Motion);

        // The start record is the real fix, not the parked position.
        Assert.Equal(fixes[startIndex], run.Decisions[startIndex].Fix);
    }

    [Fact]
    public void DrivingThenParked_SwitchesToStoppedAfterStopDelay_AtWhereItStopped()
    {
        FixScript s = Start(50).Drive(60, 50, 0);
        int firstParkIndex = s.Fixes.Length;
        Fix[] fixes = s.Park(2000, 5, seed: 2, maxSpeedKmh: 2).Fixes;
        PolicyRun run = PolicyRun.Of(fixes);

        int stopIndex = Array.FindIndex(run.Decisions, d => d.Reason == ReportReason.StoppedMoving);
        Assert.Equal(firstParkIndex + 60, stopIndex);
        ReportDecision stop = run.Decisions[stopIndex];
        Assert.Equal(MotionState.Stopped, stop.Motion);
        Assert.Equal((fixes[firstParkIndex].LatE7, fixes[firstParkIndex].LonE7), (stop.Fix.LatE7, stop.Fix.LonE7));
        Assert.Equal(0, stop.Fix.SpeedMmps);

        // After it: only heartbeats, at the same place, every 900 s.
        ReportDecision[] after = [.. run.Records.SkipWhile(r => r.Reason != ReportReason.StoppedMoving).Skip(1)];
        Assert.Equal(2, after.Length);
        Assert.All(after, r => Assert.Equal(ReportReason.Heartbeat, r.Reason));
        Assert.All(after, r => Assert.Equal((stop.Fix.LatE7, stop.Fix.LonE7), (r.Fix.LatE7, r.Fix.LonE7)));
        Assert.Equal(900, Seconds(stop, after[0]));
    }

    [Fact]
    public void SpeedBetweenThresholds_KeepsTheMovingProfile()
    {
        // 6 km/h is neither moving evidence (8) nor stopped evidence (4).
        PolicyRun run = PolicyRun.Of(Start(50).Drive(30, 50, 0).Drive(600, 6, 0).Fixes);
        Assert.All(run.Decisions, d => Assert.Equal(MotionState.Moving, d.Motion));
    }

    [Fact]
    public void SpeedSpikesWhileParked_DoNotStartMoving()
    {
        // Doppler spikes to 10 km/h on every other fix, position steady: never three seconds of evidence.
        FixScript s = Start(0);
        for (int i = 0; i < 600; i++)
        {
            s.Add(i % 2 == 0 ? 10 : 0, 0);
        }

        PolicyRun run = PolicyRun.Of(s.Fixes);
        Assert.All(run.Decisions, d => Assert.Equal(MotionState.Stopped, d.Motion));
        Assert.Single(run.Records);
    }

    [Fact]
    public void CrawlingInTraffic_DoesNotFlap()
    {
        // Stop-and-go: 20 s standing, 10 s at 12 km/h, for ten minutes.
        FixScript s = Start(50).Drive(60, 50, 0);
        for (int i = 0; i < 20; i++)
        {
            s.Park(20, 2, seed: i, maxSpeedKmh: 1).Drive(10, 12, 0);
        }

        PolicyRun run = PolicyRun.Of(s.Fixes);
        Assert.Equal(0, run.Count(ReportReason.StoppedMoving));
        Assert.Equal(0, run.Count(ReportReason.StartedMoving));
        Assert.All(run.Decisions, d => Assert.Equal(MotionState.Moving, d.Motion));
    }

    [Fact]
    public void StopLongerThanStopDelay_StopsThenStartsOnce()
    {
        PolicyRun run = PolicyRun.Of(Start(50).Drive(60, 50, 0).Park(90, 3, seed: 4, maxSpeedKmh: 1).Drive(60, 50, 0).Fixes);
        Assert.Equal(1, run.Count(ReportReason.StoppedMoving));
        Assert.Equal(1, run.Count(ReportReason.StartedMoving));
    }

    [Fact]
    public void ProfileChangeWithinMinPeriod_IsRecordedWhenThePeriodEnds()
    {
        ReportConfig config = PolicyRun.Config((ReportSetting.StartDelayS, 0));
        PolicyRun run = PolicyRun.Of(Start(0).Drive(10, 30, 0).Fixes, config);
        Assert.Equal(MotionState.Moving, run.Decisions[1].Motion);
        Assert.Equal(ReportReason.SuppressedMinPeriod, run.Decisions[1].Reason);
        Assert.Equal(ReportReason.StartedMoving, run.Decisions[5].Reason);
    }

    [Fact]
    public void EvidenceRun_IsRestartedByAGapLongerThanEvidenceGap()
    {
        FixScript s = Start(0).Park(60, 3, seed: 5).Add(30, 0).Add(30, 0, stepMs: 10000);
        int afterGap = s.Fixes.Length - 1;
        s.Add(30, 0).Add(30, 0).Add(30, 0);
        PolicyRun run = PolicyRun.Of(s.Fixes);
        Assert.Equal(MotionState.Stopped, run.Decisions[afterGap].Motion);
        Assert.Equal(MotionState.Stopped, run.Decisions[afterGap + 2].Motion);
        Assert.Equal(ReportReason.StartedMoving, run.Decisions[afterGap + 3].Reason);
    }

    // ---- static navigation ----

    [Fact]
    public void ParkedJitter_ProducesOnlyHeartbeatsAtTheParkedPosition()
    {
        Fix[] fixes = Start(0).Park(3 * 3600, 15, seed: 6, maxSpeedKmh: 3).Fixes;
        PolicyRun run = PolicyRun.Of(fixes);
        ReportDecision[] records = run.Records;

        Assert.Equal(ReportReason.FirstFix, records[0].Reason);
        Assert.Equal(12, records.Length - 1);
        for (int i = 1; i < records.Length; i++)
        {
            Assert.Equal(ReportReason.Heartbeat, records[i].Reason);
            Assert.Equal(900, Seconds(records[i - 1], records[i]));
            Assert.Equal((fixes[0].LatE7, fixes[0].LonE7, 0), (records[i].Fix.LatE7, records[i].Fix.LonE7, records[i].Fix.SpeedMmps));
        }

        Assert.Equal(fixes.Length - records.Length, run.Count(ReportReason.SuppressedStatic));
    }

    [Fact]
    public void ParkedJitter_WithUnknownSpeed_ProducesOnlyHeartbeats()
    {
        Fix[] fixes = new FixScript(FixScript.T0, Lat, Lon).Park(3600, 12, seed: 7, speedKnown: false).Fixes;
        ReportDecision[] records = PolicyRun.Of(fixes).Records;
        // Fixes from 1 s to 3600 s: heartbeats at 901, 1801 and 2701 s.
        Assert.Equal(new[] { ReportReason.FirstFix, ReportReason.Heartbeat, ReportReason.Heartbeat, ReportReason.Heartbeat },
            records.Select(r => r.Reason));
        Assert.All(records, r => Assert.Equal(Fix.Unknown, r.Fix.SpeedMmps));
    }

    [Fact]
    public void Parked_MovedWithoutSpeed_StartsMovingThenStopsAtTheNewPlace()
    {
        // Towed (the receiver reports speed 0): 100 m away, then standing there.
        FixScript s = Start(0).Park(60, 2, seed: 8, maxSpeedKmh: 0);
        (double lat, double lon) = FixScript.Offset(Lat, Lon, 90, 100);
        var moved = new FixScript(s.TimeMs, lat, lon).Park(300, 2, seed: 9, maxSpeedKmh: 0);
        Fix[] fixes = [.. s.Fixes, .. moved.Fixes];
        PolicyRun run = PolicyRun.Of(fixes);

        // (A MaxPeriod may fall in the minute before the stop.)
        ReportDecision[] records = [.. run.Records.Where(r => r.Reason != ReportReason.MaxPeriod)];
        Assert.Equal(new[] { ReportReason.FirstFix, ReportReason.StartedMoving, ReportReason.StoppedMoving },
            records.Select(r => r.Reason));
        ReportDecision stop = records[2];
        Assert.InRange(GeoMath.DistanceCm(stop.Fix.LatE7, stop.Fix.LonE7, FixScript.E7(lat), FixScript.E7(lon)), 0, 300);
    }

    // ---- time ----

    [Fact]
    public void RepeatedEpoch_IsSkippedAsStale()
    {
        Fix[] fixes = Start(50).Drive(10, 50, 0).Fixes;
        var policy = new ReportPolicy(ReportConfig.Default);
        PolicyRun.Of(policy, fixes);
        Assert.Equal(ReportReason.SuppressedStaleTime, policy.Decide(fixes[^1]).Reason);
    }

    [Fact]
    public void SmallBackwardStep_IsSkippedUntilTimeCatchesUp()
    {
        FixScript s = Start(50).Drive(30, 50, 0);
        s.Add(50, 0, stepMs: -18000);
        int back = s.Fixes.Length - 1;
        s.Drive(30, 50, 0);
        PolicyRun run = PolicyRun.Of(s.Fixes);
        // Stepped back to 12 s after the start: the fixes of 12..30 s are stale, 31 s is not.
        for (int i = back; i <= back + 18; i++)
        {
            Assert.Equal(ReportReason.SuppressedStaleTime, run.Decisions[i].Reason);
        }

        Assert.NotEqual(ReportReason.SuppressedStaleTime, run.Decisions[back + 19].Reason);
        Assert.Equal(0, run.Count(ReportReason.TimeReset));
    }

    [Fact]
    public void ClockCorrectedBackwards_RestartsAsAfterBoot()
    {
        FixScript s = Start(50).Drive(30, 50, 0);
        s.Add(50, 0, stepMs: -3_600_000);
        int back = s.Fixes.Length - 1;
        PolicyRun run = PolicyRun.Of(s.Drive(30, 50, 0).Fixes);
        Assert.Equal(ReportReason.TimeReset, run.Decisions[back].Reason);
        Assert.True(run.Decisions[back].IsRecord);
        Assert.Equal(ReportReason.SuppressedMinPeriod, run.Decisions[back + 1].Reason);
    }

    [Fact]
    public void TunnelWhileDriving_FirstFixAfterIsRecorded()
    {
        FixScript s = Start(80).Drive(30, 80, 0).Outage(120, 80);
        int after = s.Fixes.Length;
        PolicyRun run = PolicyRun.Of(s.Drive(10, 80, 0).Fixes);
        Assert.Equal(ReportReason.Distance, run.Decisions[after].Reason);
    }

    [Fact]
    public void OutageWhileParked_BackAtTheSamePlace_IsAHeartbeatAtTheParkedPosition()
    {
        FixScript s = Start(0).Park(60, 5, seed: 10).Outage(7200);
        int after = s.Fixes.Length;
        Fix[] fixes = s.Park(60, 5, seed: 11).Fixes;
        PolicyRun run = PolicyRun.Of(fixes);
        Assert.Equal(ReportReason.Heartbeat, run.Decisions[after].Reason);
        Assert.Equal((fixes[0].LatE7, fixes[0].LonE7), (run.Decisions[after].Fix.LatE7, run.Decisions[after].Fix.LonE7));
        Assert.Equal(2, run.Records.Length);
    }
}
