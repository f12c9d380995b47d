using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Security;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The saturation sweep (<c>tracker-local-benchmark --host-process --sweep</c>): tracker-local in its own process, as in
/// <see cref="LoadRun"/>, and a fleet in this one that grows a step of cars at a time. Each step's cars connect, run for
/// the warm-up, then a window is measured (<see cref="SweepStep"/>); the sweep stops at the first step the host did not
/// keep up with (<see cref="SweepStep.Judge"/>) or at <c>--cars</c>, and reports the highest rate it sustained with the
/// latency at about 50 %, 80 % and 100 % of it (<see cref="SweepReport"/>). Then the cars empty their logs and every fix
/// they recorded is accounted for, as in a load run: past saturation nothing may be lost either.
/// </summary>
public static class SweepRun
{
    /// <summary>Runs the sweep <paramref name="options"/> describe and writes its steps and report to <paramref name="output"/>.</summary>
    /// <param name="options">What to run (<see cref="LoadOptions.Sweep"/> set).</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="handleSignals">As for <see cref="LoadRun.RunAsync"/>.</param>
    /// <returns>0 when no fix was lost (falling behind is the sweep's finding, not a failure); <see cref="LoadRun.Shortfall"/>, <see cref="LoadRun.HostFailed"/> or <see cref="LoadRun.LimitTooLow"/> otherwise.</returns>
    public static async Task<int> RunAsync(LoadOptions options, TextWriter output, bool handleSignals = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!LoadRun.EnsureFileLimit(options.Cars, output))
        {
            return LoadRun.LimitTooLow;
        }

        using var scratch = new TempFolder("tracker-local-load-");
        using var guard = new RunGuard(scratch.Path, output, handleSignals);
        string data = scratch.Combine("data");
        (int httpPort, int mqttPort) = LoadRun.FreePorts();
        int stepCars = options.SweepStepOrDefault;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tracker-local-benchmark {LoadOptions.ModeFlag} --sweep: up to {options.Cars} cars, {stepCars} more a step, live period {options.LivePeriod.TotalSeconds:0.#} s, report policy {options.ReportPolicy}, ")
            + string.Create(CultureInfo.InvariantCulture, $"each step {options.Warmup.TotalSeconds:0} s warm-up then {options.Measured.TotalSeconds:0} s measured, {Environment.ProcessorCount} cores, load average {LoadRun.LoadAverage()}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"a step falls behind when publish -> stored p99 > {SweepStep.MaxP99Ms:0} ms, the host stores < {100 * SweepStep.MinStoredShare:0} % of the fixes offered, or the moving cars' logs grow by > {100 * SweepStep.MaxBacklogGrowthShare:0} % of them"));
        LoadRun.Provision(data, options.Cars, mqttPort, output);
        string executable = options.HostExecutable ?? HostProcess.BuiltBeside();
        using HostProcess host = HostProcess.Start(executable, LoadRun.HostArguments(options, data, httpPort, mqttPort));
        guard.Add(host);
        if (!await host.WaitReadyAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false))
        {
            output.WriteLine("the host did not get ready (" + executable + "); its last lines:\n" + host.Tail);
            return LoadRun.HostFailed;
        }

        output.WriteLine($"host ready (pid {host.Id}); scratch folder {scratch.Path}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var carsPki = LocalPki.OpenOrCreate(Path.Combine(data, "pki"), IPAddress.Loopback);
        var published = new PublishTimes();
        var publishToAck = new LatencyHistogram();
        var fleets = new List<SimulatedFleet>();
        var steps = new List<SweepStep>();
        try
        {
            int running = 0;
            while (running < options.Cars && !host.HasExited)
            {
                int add = Math.Min(stepCars, options.Cars - running);
                var settings = new FleetSettings(add, scratch.Combine("cars-flash"), null, options.Seed, (int)options.LivePeriod.TotalMilliseconds, options.Policy, StartSpreadMs: (long?)options.StartSpread?.TotalMilliseconds, FirstCar: running + 1);
                var storm = Stopwatch.StartNew();
                fleets.Add(SimulatedFleet.Start(settings, carsPki, mqttPort, published, TimeProvider.System, loggers.CreateLogger<SimulatedFleet>(), publishToAck: publishToAck));
                running += add;
                StormReport connect = await LoadRun.WatchStormAsync(http, running, options.ConnectTimeout, host, storm).ConfigureAwait(false);
                if (!connect.AllConnected)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{running,6} cars: not all connected within --connect-timeout ({connect}); the sweep stops here"));
                    break;
                }

                await Task.Delay(options.Warmup).ConfigureAwait(false);
                SweepStep step = await MeasureAsync(http, host, fleets, publishToAck, running, options.Measured).ConfigureAwait(false);
                steps.Add(step);
                SweepVerdict verdict = step.Judge();
                output.WriteLine(step + (verdict.KeptUp ? ": kept up" : ": FELL BEHIND, " + verdict.Reason));
                if (!verdict.KeptUp)
                {
                    break;
                }
            }

            output.WriteLine();
            output.WriteLine(SweepReport.Of(steps).ToString());
            output.WriteLine("load average at the end " + LoadRun.LoadAverage());
            if (host.HasExited)
            {
                output.WriteLine("the host stopped on its own; its last lines:\n" + host.Tail);
                return LoadRun.HostFailed;
            }

            // Every fix recorded is stored, rejected by a filter, or still in a car's log, past saturation too.
            var draining = Stopwatch.StartNew();
            FleetStopReport[] left = await Task.WhenAll(fleets.Select(f => Task.Run(() => f.Stop(options.DrainTimeout)))).ConfigureAwait(false);
            long pending = left.Sum(r => r.PendingFixes);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cars stopped: logs drained in {draining.Elapsed.TotalSeconds:0.0} s, {pending} fixes left"));
            HostMetricsText final = await LoadRun.SettledAsync(http, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            int? exit = await host.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            output.WriteLine("host stopped (exit " + (exit is { } code ? LoadRun.Text(code) : "killed") + ")");
            FixCount count = FixCount.Of(fleets.Sum(f => f.FixesRecorded), FixTimes.InStore(Path.Combine(data, "tracker.db")), FixTimes.InCarLogs(scratch.Combine("cars-flash")), final);
            output.WriteLine(count.ToString());
            return count.Lost == 0 ? 0 : LoadRun.Shortfall;
        }
        finally
        {
            foreach (SimulatedFleet fleet in fleets)
            {
                fleet.Dispose();
            }
        }
    }

    private static async Task<SweepStep> MeasureAsync(HttpClient http, HostProcess host, List<SimulatedFleet> fleets, LatencyHistogram publishToAck, int cars, TimeSpan window)
    {
        publishToAck.ResetRecent();
        HostMetricsText before = await LoadRun.ScrapeAsync(http).ConfigureAwait(false);
        long recordedBefore = fleets.Sum(f => f.FixesRecorded);
        long backlogBefore = MovingBacklog(fleets);
        var measured = Stopwatch.StartNew();
        while (measured.Elapsed < window && !host.HasExited)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, (window - measured.Elapsed).TotalSeconds + 0.01))).ConfigureAwait(false);
        }

        double seconds = measured.Elapsed.TotalSeconds;
        HostMetricsText after = host.HasExited ? before : await LoadRun.ScrapeAsync(http).ConfigureAwait(false);
        double[] ack = publishToAck.Quantiles(0.5, 0.99);
        return new SweepStep(
            cars,
            seconds,
            fleets.Sum(f => f.FixesRecorded) - recordedBefore,
            (long)(after["tracker_ingest_fixes_total"] - before["tracker_ingest_fixes_total"]),
            (long)(after["tracker_ingest_messages_total"] - before["tracker_ingest_messages_total"]),
            ack[0],
            ack[1],
            backlogBefore,
            MovingBacklog(fleets));
    }

    // A moving car publishes every live period, so its log holds about a period's fixes when the host keeps up; a
    // parked one holds its few records until the normal period (5 min), which says nothing about the host.
    private static long MovingBacklog(List<SimulatedFleet> fleets) => fleets.Sum(f => f.Cars.Where(c => c.IsMoving).Sum(c => c.PendingFixes));
}
