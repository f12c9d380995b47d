using Tracker.Cloud.Local.Benchmarks.Load;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>The sweep's "fell behind" decision, on made-up windows.</summary>
public sealed class SweepStepTests
{
    // 1,000 cars for 20 s: 15,000 fixes offered, all stored in 3,000 batches, p99 300 ms, the logs steady.
    private static readonly SweepStep KeptUp = new(1000, 20, 15_000, 15_000, 3_000, 40, 300, 4_000, 4_100);

    [Fact]
    public void Judge_WithEverythingStoredQuicklyAndSteadyLogs_KeptUp()
    {
        SweepVerdict verdict = KeptUp.Judge();

        Assert.True(verdict.KeptUp, verdict.Reason);
        Assert.Equal(750, KeptUp.FixesPerSecond);
        Assert.Equal(150, KeptUp.MessagesPerSecond);
    }

    [Fact]
    public void Judge_WithTheP99OverOneSecond_FellBehind()
    {
        SweepVerdict verdict = (KeptUp with { P99Ms = 1001 }).Judge();

        Assert.False(verdict.KeptUp);
        Assert.Contains("p99 1001 ms is over 1000 ms", verdict.Reason, StringComparison.Ordinal);
        Assert.True((KeptUp with { P99Ms = 1000 }).Judge().KeptUp);
    }

    [Fact]
    public void Judge_WithLessThanNinetyPercentStored_FellBehind()
    {
        SweepVerdict verdict = (KeptUp with { StoredFixes = 13_000 }).Judge();

        Assert.False(verdict.KeptUp);
        Assert.Contains("stored 13000 of 15000 fixes offered (87 %", verdict.Reason, StringComparison.Ordinal);
        Assert.True((KeptUp with { StoredFixes = 13_500 }).Judge().KeptUp);
    }

    [Fact]
    public void Judge_WithMoreStoredThanOffered_KeptUp()
    {
        // A backlog from the connect storm drains in the window: more is stored than the cars recorded in it.
        Assert.True((KeptUp with { StoredFixes = 25_000, BacklogBefore = 20_000, BacklogAfter = 4_000 }).Judge().KeptUp);
    }

    [Fact]
    public void Judge_WithTheMovingCarsLogsPilingUp_FellBehind()
    {
        // Everything counted as stored and fast, but the logs grew by 2,000 fixes (13 % of what was offered): resends
        // or PUBACKs that stopped coming are filling them.
        SweepVerdict verdict = (KeptUp with { BacklogAfter = 6_000 }).Judge();

        Assert.False(verdict.KeptUp);
        Assert.Contains("grew by 2000 fixes", verdict.Reason, StringComparison.Ordinal);
        Assert.True((KeptUp with { BacklogAfter = 5_500 }).Judge().KeptUp);
    }

    [Fact]
    public void Judge_WithNothingOffered_IsNotKeptUp_AndSaysWhy()
    {
        SweepVerdict verdict = (KeptUp with { OfferedFixes = 0, StoredFixes = 0 }).Judge();

        Assert.False(verdict.KeptUp);
        Assert.Contains("offered no fix", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_WithNoBatchAcknowledged_FellBehind()
    {
        // The host stopped answering: no PUBACK, so no latency at all (NaN), even though the counters say nothing else.
        SweepVerdict verdict = (KeptUp with { P50Ms = double.NaN, P99Ms = double.NaN }).Judge();

        Assert.False(verdict.KeptUp);
        Assert.Contains("no batch was acknowledged", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_PicksTheHighestKeptUpStep_AndTheStepsNearestHalfAndEightyPercent()
    {
        SweepStep[] steps =
        [
            Step(1000, 500, 50),
            Step(2000, 1000, 80),
            Step(3000, 1500, 120),
            Step(4000, 2000, 400),
            Step(5000, 2400, 900) with { StoredFixes = 20 * 2000, OfferedFixes = 20 * 2500 }, // stored 80 % of what it offered
        ];

        SweepReport report = SweepReport.Of(steps);

        Assert.Same(steps[3], report.Highest);
        Assert.Equal([0.5, 0.8, 1.0], report.At.Select(a => a.Share));
        Assert.Same(steps[1], report.At[0].Step); // 1,000 of 2,000 fixes/s
        Assert.Same(steps[2], report.At[1].Step); // 1,500 is nearer 1,600 than 2,000 is
        Assert.Same(steps[3], report.At[2].Step);
        string text = report.ToString();
        Assert.Contains("highest sustained rate: 2000.0 fixes/s (400.0 messages/s) with 4000 cars; fell behind at 5000 cars: stored 40000 of 50000", text, StringComparison.Ordinal);
        Assert.Contains("at 80 % (the step at 75 %, 3000 cars, 1500.0 fixes/s): publish -> stored p50 12 ms, p99 120 ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WhenTheFirstStepFellBehind_SaysNoRateWasSustained()
    {
        SweepReport report = SweepReport.Of([Step(1000, 500, 5000)]);

        Assert.Null(report.Highest);
        Assert.Empty(report.At);
        Assert.Contains("none; the host fell behind at the first step (publish -> stored p99 5000 ms", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WhenTheLastStepKeptUp_SaysTheLimitIsHigher()
    {
        SweepReport report = SweepReport.Of([Step(1000, 500, 50), Step(2000, 1000, 60)]);

        Assert.Contains("still kept up at the last step (2000 cars", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WithNoStep_SaysSo()
    {
        Assert.Contains("no step ran", SweepReport.Of([]).ToString(), StringComparison.Ordinal);
    }

    private static SweepStep Step(int cars, double fixesPerSecond, double p99) =>
        new(cars, 20, (long)(20 * fixesPerSecond), (long)(20 * fixesPerSecond), (long)(4 * fixesPerSecond), p99 / 10, p99, cars, cars);
}
