using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Local.Fleet;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>The connect and reconnect storms as the cars saw them, summed up from their connection attempts.</summary>
public sealed class ConnectSummaryTests
{
    private const long Origin = 1_767_268_800_000;

    [Fact]
    public void Of_ARestartStorm_TimesEachCarsFirstWayBackFromTheOrigin_AndCountsTheRefusalsBeforeIt()
    {
        ConnectAttempt[] attempts =
        [
            new("CAR-0001", Origin - 2_000, 1, Ok: false), // the host is down: refused at once
            new("CAR-0002", Origin - 1_500, 1, Ok: false),
            new("CAR-0001", Origin + 500, 40, Ok: true),
            new("CAR-0002", Origin + 1_000, 3_000, Ok: false), // a handshake that timed out
            new("CAR-0002", Origin + 6_000, 60, Ok: true),
            new("CAR-0003", Origin + 100, 20, Ok: true),
        ];

        ConnectSummary summary = ConnectSummary.Of(attempts, cars: 3, Origin);

        Assert.Equal(3, summary.CarsIn);
        Assert.Equal(6, summary.Attempts);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(3, summary.MostAttempts);
        Assert.Equal(40, summary.ConnectMsP50);
        Assert.Equal(60, summary.ConnectMsP99);
        Assert.Equal(0.54, summary.BackSecondsP50, 3);
        Assert.Equal(6.06, summary.BackSecondsLast, 3);
        Assert.Equal(6.06, summary.BackSecondsP99, 3);
        Assert.Equal(3 / 6.06, summary.ConnAcksPerSecond, 3);
        Assert.Contains("3 of 3 cars in", summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("none gave up", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_ACarThatNeverGotIn_IsCountedAsNotIn()
    {
        ConnectAttempt[] attempts = [new("CAR-0001", Origin, 10, Ok: true), new("CAR-0002", Origin, 10_000, Ok: false)];

        ConnectSummary summary = ConnectSummary.Of(attempts, cars: 2, Origin);

        Assert.Equal(1, summary.CarsIn);
        Assert.Contains("1 not in", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_NoAttemptsAtAll_SaysNothingGotInWithoutDividingByZero()
    {
        ConnectSummary summary = ConnectSummary.Of([], cars: 5, Origin);

        Assert.Equal(0, summary.CarsIn);
        Assert.Equal(0, summary.MostAttempts);
        Assert.Equal(0, summary.ConnAcksPerSecond);
        Assert.Contains("0 of 5 cars in", summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("5 not in", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectLog_Since_KeepsOnlyTheAttemptsStartedFromThen()
    {
        var log = new ConnectLog();
        log.Record(new ConnectAttempt("CAR-0001", Origin - 1, 5, Ok: true));
        log.Record(new ConnectAttempt("CAR-0001", Origin, 5, Ok: true));

        Assert.Equal([Origin], log.Since(Origin).Select(a => a.StartedMs));
    }
}
