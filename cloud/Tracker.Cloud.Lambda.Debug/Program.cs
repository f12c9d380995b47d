using Tracker.Cloud.Lambda.Debug;
using Tracker.Cloud.Lambda.Debug.Runtime;

return args is ["benchmark-bootstrap", ..]
    ? await BootstrapBenchmark.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None)
    : await DebugCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
