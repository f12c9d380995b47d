using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Tracker.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
