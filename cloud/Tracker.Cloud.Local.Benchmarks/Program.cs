// tracker-local-benchmark: the local fleet's figures with N simulated cars (README "Performance").
//
//   dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- [--cars 1000] [--seconds 180] [--warmup 60] [--no-browser] [--screenshot fleet.png]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --authorizer [--iterations 5000]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --browser-fleet [--cars 10000] [--live-period 5]
//       [--seconds 60] [--warmup 20] [--profile 10] [--web-root DIR]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process [--cars 1000] [--seconds 120] [--warmup 30]
//       [--live-period 5s] [--report-policy live|device|FILE] [--browser] [--pause-host 10s] [--connect-timeout 300s] [--drain-timeout 120s]
//       [--start-spread 0s] [--max-pending-connections N] [--host-exe PATH] [--seed 1] [--webhook-overspeed KMH] [--sweep [--sweep-step N]]
//
// --host-process (Load/LoadRun.cs): the cars run here and the host (the built tracker-local, no cars of its own) in its
// own process, so the host's RSS and CPU are its own; the run ends with an account of every fix the cars recorded.
// --webhook-overspeed KMH: the host's fleet overspeed threshold, an operator's webhook subscription to overspeed served
// in this process (HMAC checked), and the latency from the car's publish to the webhook's arrival (Load/WebhookLatency.cs).
// --sweep (Load/SweepRun.cs): the fleet grows by --sweep-step cars (a tenth of --cars) a step, each step measured for
// --seconds after --warmup, until the host falls behind; reports the highest rate sustained and p50/p99 at 50/80/100 % of it.
// Ctrl+C, SIGTERM, SIGHUP, and this process dying any other way, stop the host and remove the scratch folder (Load/RunGuard.cs).
//
// Without it:
// Everything runs on this machine: the host (broker, ingest, SQLite, API) and the N cars (each the firmware core over
// its own mutual-TLS connection) share one process, and Chromium another. Latency is measured from the car's publish
// call (TimedLink) to (a) the fix stored, which is when the API can serve it, and (b) the batch arriving in the browser
// (window.trackerApp.liveLog, joined on the batch CRC). Fixes/s is the mean stored rate after the warm-up.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local;
using Tracker.Cloud.Local.Benchmarks;
using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Local.Options;
using Tracker.Testing;

if (args.Contains("--authorizer"))
{
    // The browsers' custom-authorizer path alone (AuthorizerBenchmark.cs); no host, no browser.
    await Tracker.Cloud.Local.Benchmarks.AuthorizerBenchmark.RunAsync(Arg("--iterations", 5000));
    return 0;
}

if (args.Contains(BrowserFleetBench.ModeFlag))
{
    // Issue 19: the fleet view in Chromium with N cars on a synthetic live feed (BrowserFleetBench.cs).
    return await BrowserFleetBench.RunAsync(args, Console.Out);
}

if (args.Contains(LoadOptions.ModeFlag))
{
    // The cars in this process, the host in its own (Load/LoadRun.cs).
    LoadOptions load;
    try
    {
        load = LoadOptions.Parse(args);
    }
    catch (LocalOptionsException e)
    {
        Console.Error.WriteLine("tracker-local-benchmark: " + e.Message);
        return 2;
    }

    return load.Sweep ? await SweepRun.RunAsync(load, Console.Out, handleSignals: true) : await LoadRun.RunAsync(load, Console.Out, handleSignals: true);
}

int cars = Arg("--cars", 1000);
int seconds = Arg("--seconds", 180);
int warmup = Arg("--warmup", 60);
bool browser = !args.Contains("--no-browser");
int shot = Array.IndexOf(args, "--screenshot");
string? screenshot = shot >= 0 && shot + 1 < args.Length ? Path.GetFullPath(args[shot + 1]) : null;
using var scratch = new TempFolder("tracker-local-benchmark-");
string data = scratch.Combine("data"); // a fresh data folder, as on a first start

Console.WriteLine($"tracker-local-benchmark: {cars} cars, {warmup} s warm-up then {seconds} s measured, {Environment.ProcessorCount} cores, browser {(browser ? "on" : "off")}");
var startup = Stopwatch.StartNew();
LocalFleetHost host = await LocalFleetHost.StartAsync(
    new LocalOptions { DataDirectory = data, HttpPort = 0, MqttPort = 0, Cars = cars, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(60) },
    logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning),
    kdfIterations: 1000);
Console.WriteLine($"host up in {startup.ElapsedMilliseconds} ms (first run provisions every car with the provisioning tool)");

FleetView? view = browser ? await FleetView.OpenAsync(host.HttpUrl, host.Users.All.Single(u => u.User == "ops").Password) : null;

await Task.Delay(TimeSpan.FromSeconds(warmup));
host.Metrics.PublishToStored.ResetRecent();
host.Metrics.PublishToLive.ResetRecent();
long storedBefore = host.Metrics.FixesAccepted;
long messagesBefore = host.Metrics.Messages;
long peakRss = 0;
long peakHeap = 0;
var measured = Stopwatch.StartNew();
if (view is not null)
{
    await view.ResetAsync();
}

while (measured.Elapsed < TimeSpan.FromSeconds(seconds))
{
    await Task.Delay(2000);
    using (var process = Process.GetCurrentProcess())
    {
        peakRss = Math.Max(peakRss, process.WorkingSet64);
    }

    peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
    if (view is not null)
    {
        await view.CollectAsync(host.Published);
    }
}

if (view is not null && screenshot is not null)
{
    await view.ScreenshotAsync(screenshot);
    Console.WriteLine("screenshot: " + screenshot);
}

double elapsed = measured.Elapsed.TotalSeconds;
long stored = host.Metrics.FixesAccepted - storedBefore;
long messages = host.Metrics.Messages - messagesBefore;
double[] api = host.Metrics.PublishToStored.Quantiles(0.5, 0.99);
double[] live = host.Metrics.PublishToLive.Quantiles(0.5, 0.99);
string browserText = view?.Summary() ?? "n/a";
Console.WriteLine();
Console.WriteLine($"cars connected          {host.Metrics.DevicesConnected} of {cars}");
Console.WriteLine($"fixes stored            {stored} in {elapsed:0} s = {stored / elapsed:0.0} fixes/s sustained ({messages / elapsed:0.0} messages/s)");
Console.WriteLine($"publish -> API (stored) p50 {api[0]:0.0} ms, p99 {api[1]:0.0} ms over {host.Metrics.PublishToStored.Count} batches since start");
Console.WriteLine($"publish -> live topic   p50 {live[0]:0.0} ms, p99 {live[1]:0.0} ms");
Console.WriteLine($"publish -> browser      {browserText}");
Console.WriteLine($"memory (host + {cars} cars, one process) peak RSS {peakRss / 1048576.0:0} MiB, peak GC heap {peakHeap / 1048576.0:0} MiB");
Console.WriteLine($"ingest failures {host.Metrics.IngestFailures}, rejected batches {host.Metrics.RejectedBatches.Values.Sum()}, rejected fixes {string.Join(", ", host.Metrics.RejectedFixes.Select(p => p.Key + "=" + p.Value))}");

if (view is not null)
{
    await view.DisposeAsync();
}

var stopping = Stopwatch.StartNew();
var left = await host.StopAsync();
Console.WriteLine($"clean stop in {stopping.ElapsedMilliseconds} ms (drain {left.DrainMs} ms), {left.PendingFixes} fixes left in the cars' logs, {left.FixesInDeadZones} of them held by {left.CarsInDeadZones} cars in a dead zone; holders: {left.HoldersByState}");
return 0;

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : fallback;
}
