using System.Globalization;
using Tracker.Cloud.Trips.Benchmarks;

// Issue 17's benches (README.md beside this project):
//
//   dotnet run -c Release --project cloud/Tracker.Cloud.Trips.Benchmarks -- --mode truth [--cars 20] [--hours 5] [--policy both|live|sparse]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Trips.Benchmarks -- --mode store [--cars 1000] [--days 30] [--trips 8]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string mode = options.GetValueOrDefault("mode", "truth");
if (mode == "truth")
{
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
