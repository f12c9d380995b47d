using Tracker.Bench;

return BenchCli.Run(args, Console.Out, Console.Error);
