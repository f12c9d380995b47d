using System.Runtime.InteropServices;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime;

// Standard output is CloudWatch Logs: one JSON object per line from here on, for the runtime and the functions alike.
var log = new JsonLogWriter(Console.Out, TimeProvider.System);
Console.SetOut(log);

// Lambda sends SIGTERM before it shuts an execution environment down: stop waiting for events and exit 0.
using var shutdown = new CancellationTokenSource();
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    shutdown.Cancel();
});

return await LambdaBootstrap.RunAsync(Environment.GetEnvironmentVariable, FunctionCatalog.Create, log, TimeProvider.System, shutdown.Token);
