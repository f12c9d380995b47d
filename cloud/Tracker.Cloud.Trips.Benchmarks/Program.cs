using System.Globalization;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Trips.Benchmarks;

// Issue 17's benches (README.md beside this project):
//
//   dotnet run -c Release --project cloud/Tracker.Cloud.Trips.Benchmarks -- --mode truth [--cars 20] [--hours 5] [--policy both|live|sparse] [--ignition true|false] [--bridge arc|chord] [--outliers true]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Trips.Benchmarks -- --mode store [--cars 1000] [--days 30] [--trips 8]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string mode = options.GetValueOrDefault("mode", "truth");
if (mode == "truth")
{
    TruthBench.Outliers = options.GetValueOrDefault("outliers", "false") == "true";
    TruthBench.Ignition = options.GetValueOrDefault("ignition", "true") == "true";
    string bridge = options.GetValueOrDefault("bridge", "arc");
    if (bridge is not ("arc" or "chord"))
    {
        Console.Error.WriteLine("--bridge must be arc or chord");
        Environment.Exit(2);
    }

    MiniDerive.TripOptions = bridge == "chord" ? TripOptions.Default with { ArcBridgeMaxTurnDeg = 0 } : TripOptions.Default;
    if (options.TryGetValue("only", out string? only))
    {
        TruthBench.Only = int.Parse(only, CultureInfo.InvariantCulture);
    }

    if (options.TryGetValue("trace", out string? trace))
    {
        string[] span = trace.Split('-');
        TruthBench.Trace = (long.Parse(span[0], CultureInfo.InvariantCulture), long.Parse(span[1], CultureInfo.InvariantCulture));
    }

    TruthBench.Run(
        int.Parse(options.GetValueOrDefault("cars", "20"), CultureInfo.InvariantCulture),
        double.Parse(options.GetValueOrDefault("hours", "5"), CultureInfo.InvariantCulture),
        options.GetValueOrDefault("policy", "both"));
}
else if (mode == "store")
{
    await StoreBench.RunAsync(
        int.Parse(options.GetValueOrDefault("cars", "1000"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("days", "30"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("trips", "8"), CultureInfo.InvariantCulture));
}
else
{
    Console.Error.WriteLine("--mode must be truth or store");
    Environment.ExitCode = 2;
}
