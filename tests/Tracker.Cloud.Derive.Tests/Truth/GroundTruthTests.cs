using Tracker.Cloud.Testing.Truth;
using Tracker.Simulation.Scenarios;
using Tracker.Testing;

namespace Tracker.Cloud.Derive.Tests.Truth;

/// <summary>
/// Issue 16, "Measured against truth", short version of the bench (Tracker.Cloud.Benchmarks --mode truth): a fixed
/// scenario fleet through ingest and the Derive stage on SQLite, every injected event found and nothing else.
/// </summary>
public sealed class GroundTruthTests
{
    [Fact]
    public async Task ScenarioFleet_ThroughIngestAndDerive_FindsEveryInjectedEvent_WithNoFalseAlarm()
    {
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (30 * 3_600_000)) / 60_000 * 60_000;
        Scenario scenario = ScenarioFleet.Generate(new ScenarioOptions { Seed = 16, Cars = 4, HoursPerCar = 5, StartMs = start });
        using var folder = new TempFolder("tracker-truth-test-");
        TruthReport report;
        try
        {
            report = await DeriveTruthBench.RunAsync(scenario, folder.Combine("truth.db"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        string text = report.Format();
        Assert.True(report.Injected > 60, text);
        Assert.Contains(scenario.Truth, t => t.Late == true);
        Assert.True(report.Found == report.Injected, text);
        Assert.True(report.FalseAlarms.Count == 0, text);
        Assert.True(report.LateWrong == 0, text);
        Assert.True(report.StillPending == 0, text);
        Assert.True(report.Run.Rewinds > 0, text);
    }
}
