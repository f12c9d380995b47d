using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.Core.Tests.Reporting;

/// <summary>
/// Properties of <see cref="ReportPolicy"/> over generated drives (parked jitter, driving with turns
/// and speed changes, unknown fields, outages, clock steps) and generated valid configurations.
/// </summary>
public class ReportPolicyPropertyTests
{
    private const double Lat = 39.5296, Lon = -119.8138;

    /// <summary>Kinds: 0 parked, 1 driving, 2 outage (no fixes), 3 clock steps back.</summary>
    public sealed record Segment(int Kind, int Seconds, int SpeedKmh, int TurnDegPerS, int JitterM, bool SpeedKnown, bool CourseKnown);

    public sealed record Scenario(Segment[] Segments, int StepMs, ReportConfig Config)
    {
        public override string ToString() =>
            $"step {StepMs} ms, config [{string.Join(",", ReportConfig.Defaults().Select((_, i) => Config.Get(ReportSetting.At(i))))}], " +
            string.Join("; ", Segments.Select(s => s.ToString()));
    }

    private static readonly Gen<Segment> Motion =
        from kind in Gen.Choose(0, 1)
        from seconds in Gen.Choose(1, 900)
        from speed in Gen.Frequency((3, Gen.Choose(0, 130)), (1, Gen.Choose(0, 12)))
        from turn in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(-20, 20)))
        from jitter in Gen.Choose(0, 40)
        from speedKnown in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from courseKnown in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new Segment(kind, seconds, speed, turn, jitter, speedKnown, courseKnown);

    private static readonly Gen<Segment> Disruption =
        from kind in Gen.Choose(2, 3)
        from seconds in Gen.Frequency((2, Gen.Choose(1, 120)), (1, Gen.Choose(121, 20000)))
        select new Segment(kind, seconds, 0, 0, 0, true, true);

    private static readonly Gen<ReportConfig> Configs =
        from minPeriod in Gen.Choose(1, 30)
        from maxPeriod in Gen.Choose(minPeriod, 600)
        from distance in Gen.Choose(0, 1000)
        from heading in Gen.Choose(0, 90)
        from headingSpeed in Gen.Choose(0, 30)
        from speedDelta in Gen.Choose(0, 50)
        from heartbeat in Gen.Choose(minPeriod, 1800)
        from radius in Gen.Choose(5, 100)
        from moving in Gen.Choose(2, 20)
        from stopped in Gen.Choose(1, moving - 1)
        from startDelay in Gen.Choose(0, 10)
        from stopDelay in Gen.Choose(0, 120)
        select ReportConfig.Create([minPeriod, maxPeriod, distance, heading, headingSpeed, speedDelta, heartbeat, radius, moving, stopped, startDelay, stopDelay]).Config!;

    private static Gen<Scenario> Scenarios(bool disruptions) =>
        from segments in Gen.ArrayOf(disruptions ? Gen.Frequency((4, Motion), (1, Disruption)) : Motion).Select(a => a.Take(8).ToArray())
        from step in Gen.Elements(1000, 1000, 2000)
        from config in Gen.Frequency((1, Gen.Constant(ReportConfig.Default)), (2, Configs))
        select new Scenario(segments, step, config);

    /// <summary>Turns a scenario into fixes; deterministic (jitter seeded by segment index).</summary>
    private static Fix[] Fixes(Scenario scenario)
    {
        var all = new List<Fix>();
        var script = new FixScript(FixScript.T0, Lat, Lon).Add(0, 0, stepMs: 0);
        all.AddRange(script.Fixes);
        double course = 0;
        for (int i = 0; i < scenario.Segments.Length; i++)
        {
            Segment s = scenario.Segments[i];
            var next = new FixScript(script.TimeMs, script.LatDeg, script.LonDeg);
            switch (s.Kind)
            {
                case 0:
                    next.Park(s.Seconds, s.JitterM, seed: i, stepMs: scenario.StepMs, speedKnown: s.SpeedKnown);
                    break;
                case 1:
                    next.Drive(s.Seconds, s.SpeedKmh, course, s.TurnDegPerS, scenario.StepMs, s.SpeedKnown, s.CourseKnown);
                    course = next.CourseDeg;
                    break;
                case 2:
                    next.Outage(s.Seconds);
                    break;
                default:
                    next = new FixScript(script.TimeMs - (s.Seconds * 1000L), script.LatDeg, script.LonDeg);
                    break;
            }

            all.AddRange(next.Fixes);
            script = next;
        }

        return [.. all];
    }

    private static bool Exempt(ReportReason r) => r is ReportReason.FirstFix or ReportReason.TimeReset;

    [Property(MaxTest = 60)]
    public Property Records_AreNeverCloserThanMinPeriod_ExceptFirstFixAndTimeReset() =>
        Prop.ForAll(Scenarios(disruptions: true).ToArbitrary(), scenario =>
        {
            ReportDecision[] records = PolicyRun.Of(Fixes(scenario), scenario.Config).Records;
            long minMs = scenario.Config.MovingMinPeriodS * 1000L;
            for (int i = 1; i < records.Length; i++)
            {
                if (!Exempt(records[i].Reason) && records[i].Fix.TimeMs - records[i - 1].Fix.TimeMs < minMs)
                {
                    return false;
                }
            }

            return true;
        });

    [Property(MaxTest = 60)]
    public Property WhileFixesKeepComing_RecordsAreAtMostThePeriodPlusOneFixApart() =>
        Prop.ForAll(Scenarios(disruptions: false).ToArbitrary(), scenario =>
        {
            Fix[] fixes = Fixes(scenario);
            ReportDecision[] records = PolicyRun.Of(fixes, scenario.Config).Records;
            long bound = (Math.Max(scenario.Config.MovingMaxPeriodS, scenario.Config.StoppedHeartbeatS) * 1000L) + scenario.StepMs;
            long previous = records[0].Fix.TimeMs;
            foreach (ReportDecision r in records.Skip(1))
            {
                if (r.Fix.TimeMs - previous > bound)
                {
                    return false;
                }

                previous = r.Fix.TimeMs;
            }

            // And no starvation at the end: the last fix is within the bound of the last record.
            return fixes[^1].TimeMs - previous <= bound;
        });

    [Property(MaxTest = 60)]
    public Property NoFixIsSkippedOnceTheProfilesPeriodHasPassed() =>
        Prop.ForAll(Scenarios(disruptions: true).ToArbitrary(), scenario =>
        {
            // The exact invariant behind the gap bound: moving, maxPeriodS; parked, heartbeatS.
            ReportConfig c = scenario.Config;
            long lastRecord = long.MinValue;
            foreach (ReportDecision d in PolicyRun.Of(Fixes(scenario), c).Decisions)
            {
                if (d.IsRecord)
                {
                    lastRecord = d.Fix.TimeMs;
                    continue;
                }

                long period = (d.Motion == MotionState.Moving ? c.MovingMaxPeriodS : c.StoppedHeartbeatS) * 1000L;
                if (d.Reason != ReportReason.SuppressedStaleTime && d.Fix.TimeMs - lastRecord >= period)
                {
                    return false;
                }
            }

            return true;
        });

    [Property(MaxTest = 60)]
    public Property WhileParked_ConsecutiveRecordsKeepTheSamePosition() =>
        Prop.ForAll(Scenarios(disruptions: true).ToArbitrary(), scenario =>
        {
            ReportDecision[] records = PolicyRun.Of(Fixes(scenario), scenario.Config).Records;
            for (int i = 1; i < records.Length; i++)
            {
                ReportDecision a = records[i - 1], b = records[i];
                bool bothParked = a.Motion == MotionState.Stopped && b.Motion == MotionState.Stopped;
                if (bothParked && b.Reason == ReportReason.Heartbeat && (a.Fix.LatE7, a.Fix.LonE7) != (b.Fix.LatE7, b.Fix.LonE7))
                {
                    return false;
                }
            }

            return true;
        });

    [Property(MaxTest = 40)]
    public Property SameFixes_GiveTheSameDecisions() =>
        Prop.ForAll(Scenarios(disruptions: true).ToArbitrary(), scenario =>
        {
            Fix[] fixes = Fixes(scenario);
            var policy = new ReportPolicy(scenario.Config);
            ReportDecision[] first = PolicyRun.Of(policy, fixes).Decisions;
            ReportDecision[] second = PolicyRun.Of(fixes, scenario.Config).Decisions;
            policy.Reset();
            ReportDecision[] afterReset = PolicyRun.Of(policy, fixes).Decisions;
            return first.SequenceEqual(second) && first.SequenceEqual(afterReset);
        });

    [Property(MaxTest = 300)]
    public Property ArbitraryFixes_NeverThrowAndAlwaysGiveAReason()
    {
        Gen<Fix> fixes =
            from t in Gen.Frequency((3, Gen.Choose(0, 100000).Select(i => FixScript.T0 + (i * 100L))), (1, ArbMap.Default.GeneratorFor<long>()))
            from lat in Gen.Frequency((3, Gen.Choose(-900000000, 900000000)), (1, ArbMap.Default.GeneratorFor<int>()))
            from lon in ArbMap.Default.GeneratorFor<int>()
            from speed in Gen.Frequency((1, Gen.Constant(Fix.Unknown)), (3, ArbMap.Default.GeneratorFor<int>()))
            from course in Gen.Frequency((1, Gen.Constant(Fix.Unknown)), (3, ArbMap.Default.GeneratorFor<int>()))
            select Make(t, lat, lon, speed, course);
        return Prop.ForAll(Gen.ArrayOf(fixes).ToArbitrary(), Configs.ToArbitrary(), (input, config) =>
            PolicyRun.Of(input, config).Decisions.All(d => d.Reason != ReportReason.None));
    }

    private static Fix Make(long t, int lat, int lon, int speed, int course)
    {
        Fix f = Fix.Create(t, lat, lon);
        f.SpeedMmps = speed;
        f.CourseCdeg = course;
        return f;
    }
}
