using System.Runtime.CompilerServices;
using Tracker.Core.Fixes;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Time;

namespace Tracker.Core.Tests.Recording;

/// <summary>
/// The one recorder the device, the simulated car, the bench replay and the test rig run: what it
/// keeps is what the reader and the policy give, its clock is set from the fixes, and it says what
/// became of each fix.
/// </summary>
public class FixRecorderTests
{
    private const string Dir = "I:/fixlog";

    private static byte[] DemoDrive([CallerFilePath] string path = "") =>
        File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(path)!, "../../../firmware/Tracker.BenchTool/samples/demo-drive.nmea"));

    [Fact]
    public void Push_InAnyChunks_KeepsWhatTheReaderAndThePolicyGive_AndSetsTheClockFromTheFixes()
    {
        byte[] nmea = DemoDrive();
        (List<Fix> expectedRecords, int expectedFixes) = Expected(nmea, ReportConfig.Default, everyFix: false);

        var fs = new FaultyFlash();
        FixLog log = FixLog.Open(fs, Dir, FixLogOptions.ForCapacity(1 << 20));
        var clock = new CalendarClock(new Rtc());
        var recorder = new FixRecorder(new ReportPolicy(ReportConfig.Default), log, clock);
        var observer = new Observer();
        recorder.Observe(observer);
        var random = new Random(7);
        for (int offset = 0; offset < nmea.Length;)
        {
            int n = Math.Min(random.Next(1, 300), nmea.Length - offset);
            recorder.Push(nmea, offset, n);
            offset += n;
        }

        recorder.Flush();

        Assert.Equal(expectedFixes, recorder.FixesRead);
        Assert.Equal(expectedRecords.Count, recorder.Recorded);
        Assert.Equal(0, recorder.AppendFailures);
        AssertSame(expectedRecords, [.. LogTestKit.Drain(log, commit: true).OrderBy(f => f.TimeMs)]);
        Assert.Equal(expectedFixes, observer.Count);
        Assert.Equal(expectedRecords.Count, observer.Stored);
        Assert.True(clock.IsValid);
        Assert.Equal(TimeSource.Gnss, clock.LastSource);
        Assert.InRange(observer.LastTimeMs - clock.UtcNowMs, 0, CalendarClock.ResyncThresholdMs); // this RTC stands still: re-set each time it is 2 s behind
    }

    [Fact]
    public void EveryFixMode_KeepsEveryFixAsRead_WhileThePolicyStillJudgesMotion()
    {
        byte[] nmea = DemoDrive();
        (List<Fix> everyFix, int count) = Expected(nmea, ReportConfig.Default, everyFix: true);
        FixLog log = FixLog.Open(new FaultyFlash(), Dir, FixLogOptions.ForCapacity(1 << 20));
        var recorder = new FixRecorder(new ReportPolicy(ReportConfig.Default), log, new CalendarClock(new Rtc()), everyFix: true);
        recorder.Push(nmea, 0, nmea.Length);
        recorder.Flush();

        Assert.Equal(count, everyFix.Count);
        Assert.Equal(count, recorder.Recorded);
        AssertSame(everyFix, [.. LogTestKit.Drain(log, commit: true).OrderBy(f => f.TimeMs)]);
        Assert.Equal(MotionState.Moving, recorder.Motion); // the demo drive ends on the move
    }

    [Fact]
    public void AFixTheLogRefuses_IsCountedAndReported_NotStored()
    {
        var fs = new FaultyFlash();
        FixLog log = FixLog.Open(fs, Dir, FixLogOptions.ForCapacity(1 << 20));
        var recorder = new FixRecorder(new ReportPolicy(ReportConfig.Default), log, new CalendarClock(new Rtc()));
        var observer = new Observer();
        recorder.Observe(observer);
        Fix fix = SyntheticRoute.Generate(1, seed: 1, startMs: 1_767_268_800_000)[0];
        fs.CutAt = fs.Ticks; // the flash dies now

        ReportDecision d = recorder.Record(ref fix);

        Assert.True(d.IsRecord); // the first fix after boot
        Assert.Equal(RecordOutcome.StorageFailed, recorder.LastOutcome);
        Assert.Equal((1, 0L, 1L), (observer.Failed, recorder.Recorded, recorder.AppendFailures));
    }

    private static (List<Fix> Records, int Fixes) Expected(byte[] nmea, ReportConfig config, bool everyFix)
    {
        var reader = new NmeaFixReader();
        var policy = new ReportPolicy(config);
        var records = new List<Fix>();
        int fixes = 0;
        int used = 0;
        while (used < nmea.Length)
        {
            used += reader.Push(nmea, used, nmea.Length - used);
            Take();
        }

        reader.Flush();
        Take();
        return (records, fixes);

        void Take()
        {
            while (reader.TryTakeFix(out Fix f))
            {
                fixes++;
                ReportDecision d = policy.Decide(f);
                if (everyFix)
                {
                    records.Add(f);
                }
                else if (d.IsRecord)
                {
                    records.Add(d.Fix);
                }
            }
        }
    }

    private static void AssertSame(List<Fix> expected, List<Fix> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(LogTestKit.Same(expected[i], actual[i]), $"record {i}: {LogTestKit.Show(expected[i])} != {LogTestKit.Show(actual[i])}");
        }
    }

    private sealed class Observer : IFixObserver
    {
        public int Count { get; private set; }

        public int Stored { get; private set; }

        public int Failed { get; private set; }

        public long LastTimeMs { get; private set; }

        public void FixHandled(ref Fix fix, ref ReportDecision decision, RecordOutcome outcome)
        {
            Count++;
            LastTimeMs = fix.TimeMs;

            Stored += outcome == RecordOutcome.Stored ? 1 : 0;
            Failed += outcome == RecordOutcome.StorageFailed ? 1 : 0;
        }
    }

    private sealed class Rtc : IRealTimeClock
    {
        public long UtcNowMs { get; private set; }

        public bool TrySet(long utcMs)
        {
            UtcNowMs = utcMs;
            return true;
        }
    }
}
