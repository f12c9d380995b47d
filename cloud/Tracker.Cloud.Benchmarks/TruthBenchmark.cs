using System.Globalization;
using Tracker.Cloud.Testing.Truth;
using Tracker.Simulation.Scenarios;
using Tracker.Testing;

namespace Tracker.Cloud.Benchmarks;

/// <summary>
/// Detection against ground truth (issue 16): a scenario fleet (cloud/Tracker.Simulation/Scenarios) through ingest and
/// the Derive stage on SQLite on simulated time (DeriveTruthBench), scored per event type. The simulated clock starts a
/// day and the run's length before now, so retention and ingest's time filters see ordinary recent data.
/// </summary>
internal static class TruthBenchmark
{
    /// <summary>Runs with the command line's options (<c>--cars</c>, <c>--hours</c>, <c>--seed</c>, <c>--tolerance-s</c>, <c>--tick-s</c>).</summary>
    public static async Task RunAsync(IReadOnlyDictionary<string, string> args)
    {
        int cars = int.Parse(args.GetValueOrDefault("cars", "20"), CultureInfo.InvariantCulture);
        double hours = double.Parse(args.GetValueOrDefault("hours", "6"), CultureInfo.InvariantCulture);
        int seed = int.Parse(args.GetValueOrDefault("seed", "16"), CultureInfo.InvariantCulture);
        double toleranceS = double.Parse(args.GetValueOrDefault("tolerance-s", "30"), CultureInfo.InvariantCulture);
        double tickS = double.Parse(args.GetValueOrDefault("tick-s", "30"), CultureInfo.InvariantCulture);
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)((hours + 24) * 3_600_000)) / 60_000 * 60_000;
        Scenario scenario = ScenarioFleet.Generate(new ScenarioOptions { Seed = seed, Cars = cars, HoursPerCar = hours, StartMs = start });
        using var folder = new TempFolder("tracker-truth-benchmark-");
        try
        {
            TruthReport report = await DeriveTruthBench.RunAsync(scenario, folder.Combine("truth.db"), TimeSpan.FromSeconds(toleranceS), TimeSpan.FromSeconds(tickS), CancellationToken.None);
            Console.Write(report.Format());
            Environment.ExitCode = report.Found == report.Injected && report.FalseAlarms.Count == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
