using Tracker.BenchTool;

return BenchCli.Run(args, Console.Out, Console.Error);
