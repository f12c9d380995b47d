using Tracker.Cloud.Lambda.Debug;

return await DebugCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
