using Tracker.Cloud.Lambda.Cli;
using Tracker.Cloud.Lambda.Cli.Runtime;

return args is ["benchmark-bootstrap", ..]
    ? await BootstrapBenchmark.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None)
    : await LambdaCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
