using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local;
using Tracker.Cloud.Local.Console;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Options;
using Tracker.Cloud.Local.Security;

var started = Stopwatch.StartNew();
PrivateFiles.RestrictNewFiles(); // every file of the data folder is the owner's alone, whichever library writes it
return LocalCommandLine.Invoke(args, Console.Out, Console.Error, options => RunAsync(options, started).GetAwaiter().GetResult());

static async Task<int> RunAsync(LocalOptions options, Stopwatch started)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        // The first Ctrl+C asks for a clean stop; a second one is the default (immediate) exit.
        if (!stop.IsCancellationRequested)
        {
            e.Cancel = true;
            stop.Cancel();
        }
    };
    using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
    {
        c.Cancel = true;
        stop.Cancel();
    });

    bool newData = !Directory.Exists(options.DataDirectory);
    Console.WriteLine("tracker-local: starting; data in " + options.DataDirectory + (newData ? " (new)" : string.Empty));
    var progress = new StartupProgress(Console.Out, started);
    LocalFleetHost host;
    try
    {
        host = await LocalFleetHost.StartAsync(options, logging => AddConsoleLogging(logging, options.JsonLogs), progress: progress).ConfigureAwait(false);
    }
    catch (HostStartException e)
    {
        Console.Error.WriteLine("tracker-local: " + e.Message);
        return 1;
    }

    if (options.Duration is { } duration)
    {
        stop.CancelAfter(duration);
    }

    Console.WriteLine("tracker-local: ready in " + progress.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s");
    Console.WriteLine();
    Console.WriteLine("  Web app and API:  " + host.HttpUrl);
    Console.WriteLine("  Cars' MQTT (mutual TLS): " + options.BindAddress + ":" + host.MqttPort + "   browsers' MQTT: " + new Uri(host.HttpUrl, "/mqtt").ToString().Replace("http", "ws", StringComparison.Ordinal));
    Console.WriteLine("  Health: " + new Uri(host.HttpUrl, "/health") + "   Metrics: " + new Uri(host.HttpUrl, "/metrics"));
    if (options.Auth == AuthMode.Oidc)
    {
        Console.WriteLine("  Sign-in: " + options.OidcIssuer + " (OpenID Connect, client " + options.OidcClientId + "); browsers' MQTT through the custom authorizer '"
            + Tracker.Cloud.Local.Broker.LocalCustomAuthorizer.AuthorizerName + "', as on AWS");
    }
    else
    {
        Console.WriteLine("  Logins (local dev only):");
    }

    foreach (LocalUser user in options.Auth == AuthMode.Oidc ? [] : host.Users.All)
    {
        string what = user.Roles.HasFlag(Tracker.Cloud.Core.Access.Role.Operator)
            ? "operator: the whole fleet"
            : user.RentedCar is null ? "renter: no car" : "renter of " + user.RentedCar + (user.RentalStartsInHours > 0 ? " from tomorrow" : " now");
        string password = user.Password.Length > 0 ? user.Password : "(" + LocalUsers.PasswordsFile + " deleted)";
        Console.WriteLine("    " + user.User.PadRight(9) + " " + password + "   (" + what + ")");
    }

    Console.WriteLine("  Simulated cars: " + options.Cars + (options.ReplayPath is null ? " on generated routes" : " replaying " + options.ReplayPath) + ". Ctrl+C stops cleanly.");
    Console.WriteLine();

    ILoggerFactory loggers = host.Services.GetRequiredService<ILoggerFactory>();
    await using (var reporter = new ProgressReporter(host, options.ProgressInterval, loggers.CreateLogger<ProgressReporter>()))
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine("tracker-local: stopping; the cars deliver what they have logged first...");
        reporter.Report();
    }

    FleetStopReport left = await host.StopAsync().ConfigureAwait(false);
    Console.WriteLine(host.Metrics.StopLine()); // after the last write: what a scrape of /metrics before the stop could not see
    Console.WriteLine(left.PendingFixes == 0
        ? "tracker-local: stopped; every logged fix was delivered and stored."
        : "tracker-local: stopped; " + left.PendingFixes + " fixes stay in the cars' flash logs (" + left.FixesInDeadZones + " held by " + left.CarsInDeadZones
          + " cars in a simulated dead zone) and go out on the next run.");
    return 0;
}

static void AddConsoleLogging(ILoggingBuilder logging, bool json)
{
    if (json)
    {
        logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ");
    }
    else
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
    }
}
