using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Tracker.Core.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
