using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Security;
using Tracker.Simulation.Car;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// One load run: N simulated cars in this process (each the firmware core over its own mutual-TLS MQTT connection)
/// against tracker-local started as its own process with no cars of its own, so the host's memory and CPU are read
/// apart from the cars'. It provisions the cars in the host's data folder before the host starts (as an installer
/// would), times the connect storm from the host's <c>/metrics</c>, measures a window after a warm-up, then lets the
/// cars empty their logs, stops the host, and counts every fix the cars recorded against the rows in its SQLite store.
/// </summary>
/// <remarks>
/// Publish-to-stored is timed from the car's publish call to its PUBACK: the broker acknowledges a batch only once ingest
/// has stored it (EmbeddedBroker), so this is the stored time plus the PUBACK's way back over loopback. The host's own
/// histograms need the publish times, which only an in-process fleet gives it.
/// </remarks>
public static class LoadRun
{
    /// <summary>Exit code when a fix was lost, or a car never connected.</summary>
    public const int Shortfall = 3;

    /// <summary>Exit code when the host would not start or stopped on its own.</summary>
    public const int HostFailed = 1;

    /// <summary>Exit code when the machine's limits cannot hold the run (<see cref="OpenFileLimit"/>); nothing was started.</summary>
    public const int LimitTooLow = 2;

    /// <summary>Runs <paramref name="options"/> and writes the figures to <paramref name="output"/>.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="handleSignals">Stop the host and remove the scratch folder on SIGINT, SIGTERM and SIGHUP, then end the process (the command line's run).</param>
    /// <returns>0 when every car connected and no fix was lost; <see cref="Shortfall"/>, <see cref="HostFailed"/> or <see cref="LimitTooLow"/> otherwise.</returns>
    public static async Task<int> RunAsync(LoadOptions options, TextWriter output, bool handleSignals = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!EnsureFileLimit(options.Cars, output))
        {
            return LimitTooLow;
        }

        using var scratch = new TempFolder("tracker-local-load-");
        using var guard = new RunGuard(scratch.Path, output, handleSignals);
        string data = scratch.Combine("data");
        string pkiDirectory = Path.Combine(data, "pki");
        (int httpPort, int mqttPort) = FreePorts();
        output.WriteLine($"tracker-local-benchmark {LoadOptions.ModeFlag}: {options.Cars} cars, live period {options.LivePeriod.TotalSeconds:0.#} s, report policy {options.ReportPolicy}, "
            + $"{options.Warmup.TotalSeconds:0} s warm-up then {options.Measured.TotalSeconds:0} s measured, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Provision(data, options.Cars, mqttPort, output);
        List<string> hostArgs = HostArguments(options, data, httpPort, mqttPort);
        string executable = options.HostExecutable ?? HostProcess.BuiltBeside();
        var hostStart = Stopwatch.StartNew();
        using HostProcess first = HostProcess.Start(executable, hostArgs);
        guard.Add(first);
        HostProcess host = first;
        HostProcess? restarted = null;
        if (!await host.WaitReadyAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false))
        {
            output.WriteLine("the host did not get ready (" + executable + "); its last lines:\n" + host.Tail);
            return HostFailed;
        }

        output.WriteLine($"host ready in {hostStart.Elapsed.TotalSeconds:0.0} s (pid {host.Id}); scratch folder {scratch.Path}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var carsPki = LocalPki.OpenOrCreate(pkiDirectory, IPAddress.Loopback);
        var published = new PublishTimes();
        var publishes = new CarPublishes();
        publishes.Follow(published);
        using WebhookReceiver? hook = options.WebhookOverspeedKmh is null ? null : new WebhookReceiver(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)), TimeProvider.System);
        if (hook is not null)
        {
            string? problem = await SubscribeAsync(http, data, hook).ConfigureAwait(false);
            if (problem is not null)
            {
                output.WriteLine("the webhook subscription failed: " + problem);
                return HostFailed;
            }

            output.WriteLine($"operator subscribed {hook.Url} to overspeed (fleet threshold {options.WebhookOverspeedKmh} km/h)");
        }

        var publishToAck = new LatencyHistogram();
        var settings = new FleetSettings(options.Cars, scratch.Combine("cars-flash"), null, options.Seed, (int)options.LivePeriod.TotalMilliseconds, options.Policy, StartSpreadMs: (long?)options.StartSpread?.TotalMilliseconds, ConnectConcurrency: options.ConnectConcurrency);
        var connects = new ConnectLog();

        // The connect storm: the fleet starts its cars spread over min(10 s, 10 ms a car), or --start-spread (0: all at
        // once); the host's gauge says how fast it lets them in.
        output.WriteLine("cars start " + (options.StartSpread is { } spread ? (spread == TimeSpan.Zero ? "all at once" : $"spread over {spread.TotalSeconds:0.#} s") : "spread over 10 ms a car, at most 10 s (the fleet's default)")
            + (options.ConnectConcurrency is { } concurrency ? $", up to {concurrency} connecting at once" : ", each stepping thread connecting one at a time (add --connect-concurrency for the host's accept rate)"));
        ProcessSample.TryRead(Environment.ProcessId, out ProcessSample loadWithoutCars);
        ProcessSample.TryRead(host.Id, out ProcessSample hostWithoutCars);
        long stormStartMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var storm = Stopwatch.StartNew();
        SimulatedFleet fleet = SimulatedFleet.Start(settings, carsPki, mqttPort, published, TimeProvider.System, loggers.CreateLogger<SimulatedFleet>(), publishToAck: publishToAck, connects: connects);
        FleetView? view = null;
        try
        {
            StormReport connect = await WatchStormAsync(http, options.Cars, options.ConnectTimeout, host, storm).ConfigureAwait(false);
            output.WriteLine(connect.ToString());
            output.WriteLine("  " + await CarsSideAsync(connects, stormStartMs, options.Cars, stormStartMs, connect.Connected).ConfigureAwait(false));
            output.WriteLine("  load process with every car started: " + (ProcessSample.TryRead(Environment.ProcessId, out ProcessSample started) ? started.PerCar(options.Cars, loadWithoutCars) : "n/a"));
            if (host.HasExited)
            {
                output.WriteLine("the host stopped during the connect storm; its last lines:\n" + host.Tail);
                return HostFailed;
            }

            if (options.Browser)
            {
                string password = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(data, LocalUsers.PasswordsFile)))!["ops"];
                view = await FleetView.OpenAsync(http.BaseAddress!, password).ConfigureAwait(false);
            }

            await Task.Delay(options.Warmup).ConfigureAwait(false);
            publishToAck.ResetRecent();
            if (view is not null)
            {
                await view.ResetAsync().ConfigureAwait(false);
            }

            HostMetricsText before = await ScrapeAsync(http).ConfigureAwait(false);
            ProcessSample.TryRead(host.Id, out ProcessSample hostBefore);
            ProcessSample.TryRead(Environment.ProcessId, out ProcessSample loadBefore);
            var hostCpuSince = Stopwatch.StartNew();
            string loadAtStart = LoadAverage();
            var measured = Stopwatch.StartNew();
            long windowStartMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long hostRssMax = 0;
            long loadRssMax = 0;
            if (options.PauseHost > TimeSpan.Zero)
            {
                output.WriteLine((await PauseAsync(http, host, fleet, options.PauseHost, options.Measured - options.PauseHost).ConfigureAwait(false)).ToString());
            }

            // The first life's counters, as last read before its stop, carried into every later reading.
            HostMetricsText carried = HostMetricsText.Empty;
            StormReport? reconnect = null;
            if (options.RestartHost)
            {
                carried = await ScrapeAsync(http).ConfigureAwait(false);
                long stoppingMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var stopping = Stopwatch.StartNew();
                int? stopped = await host.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                carried = host.FinalCounts(carried); // what it stored while stopping counts too
                output.WriteLine($"host stopped for a restart (exit {(stopped is { } c ? Text(c) : "killed")}) in {stopping.Elapsed.TotalSeconds:0.0} s; cars' logs hold {fleet.PendingFixes} fixes");
                if (host.StopPhases is { } phases)
                {
                    output.WriteLine("  " + phases);
                }

                var again = Stopwatch.StartNew();
                restarted = HostProcess.Start(executable, hostArgs);
                guard.Add(restarted);
                host = restarted;
                if (!await host.WaitReadyAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false))
                {
                    output.WriteLine("the host did not get ready again after its restart; its last lines:\n" + host.Tail);
                    return HostFailed;
                }

                output.WriteLine($"host ready again in {again.Elapsed.TotalSeconds:0.0} s (pid {host.Id})");
                long readyAgainMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                reconnect = await WatchStormAsync(http, options.Cars, options.ConnectTimeout, host, again).ConfigureAwait(false);
                output.WriteLine("after the restart, re" + reconnect);
                ConnectSummary back = await CarsSideAsync(connects, stoppingMs, options.Cars, readyAgainMs, reconnect.Connected).ConfigureAwait(false);
                output.WriteLine("  " + back + " (times from the host's ready line; the attempts count those refused while it was down, spread by each car's backoff and jitter)");
                ProcessSample.TryRead(host.Id, out hostBefore);
                hostCpuSince.Restart(); // the restarted host's CPU is read from here: the window's messages span both lives
            }

            do
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, options.Measured.TotalSeconds))).ConfigureAwait(false);
                hostRssMax = Math.Max(hostRssMax, ProcessSample.TryRead(host.Id, out ProcessSample h) ? h.RssBytes : 0);
                loadRssMax = Math.Max(loadRssMax, ProcessSample.TryRead(Environment.ProcessId, out ProcessSample l) ? l.RssBytes : 0);
                if (view is not null)
                {
                    await view.CollectAsync(published).ConfigureAwait(false);
                }
            }
            while (measured.Elapsed < options.Measured && !host.HasExited);

            double elapsed = measured.Elapsed.TotalSeconds;
            long windowEndMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            HostMetricsText thisLife = await ScrapeAsync(http).ConfigureAwait(false);
            HostMetricsText after = thisLife.Plus(carried);
            ProcessSample.TryRead(host.Id, out ProcessSample hostAfter);
            ProcessSample.TryRead(Environment.ProcessId, out ProcessSample loadAfter);
            double[] ack = publishToAck.Quantiles(0.5, 0.99);
            double fixes = after["tracker_ingest_fixes_total"] - before["tracker_ingest_fixes_total"];
            double messages = after["tracker_ingest_messages_total"] - before["tracker_ingest_messages_total"];
            output.WriteLine();
            output.WriteLine($"measured {elapsed:0} s, load average {loadAtStart} at the start, {LoadAverage()} at the end");
            output.WriteLine($"cars connected          {thisLife["tracker_devices_connected"]:0} of {options.Cars}");
            output.WriteLine($"fixes stored            {fixes:0} = {fixes / elapsed:0.0} fixes/s sustained ({messages / elapsed:0.0} messages/s)");
            output.WriteLine($"publish -> stored       p50 {ack[0]:0.0} ms, p99 {ack[1]:0.0} ms (publish call to PUBACK, sent once stored) over {publishToAck.Count} batches since start");
            output.WriteLine($"publish -> browser      {view?.Summary() ?? "not measured (add --browser)"}");
            output.WriteLine($"host process            RSS peak {hostRssMax / 1048576.0:0} MiB in the window ({hostAfter.PeakRssBytes / 1048576.0:0} MiB since start), CPU {HostCpu(hostAfter.CpuSeconds - hostBefore.CpuSeconds, hostCpuSince.Elapsed.TotalSeconds, messages, options.RestartHost)}, {hostAfter.PerCar(options.Cars, hostWithoutCars)}");
            output.WriteLine($"load process ({options.Cars} cars) RSS peak {loadRssMax / 1048576.0:0} MiB, CPU {(loadAfter.CpuSeconds - loadBefore.CpuSeconds) / elapsed:0.00} cores, {loadAfter.PerCar(options.Cars, loadWithoutCars)}");
            output.WriteLine($"host ingest queue now   {after["tracker_ingest_queue_depth"]:0} waiting; cars' logs hold {fleet.PendingFixes} fixes not yet acknowledged");
            output.WriteLine($"store transactions      {GroupReport.Of(before, thisLife, carried)}");

            // Every fix the cars recorded is stored, refused by a named filter, or still in a car's log: nothing else.
            var draining = Stopwatch.StartNew();
            FleetStopReport left = fleet.Stop(options.DrainTimeout);
            output.WriteLine($"cars stopped: logs drained in {draining.Elapsed.TotalSeconds:0.0} s, {left.PendingFixes} fixes left ({left.FixesInDeadZones} held by {left.CarsInDeadZones} cars in a simulated dead zone)");
            output.WriteLine(UplinkTotals(fleet.Cars));
            if (hook is not null)
            {
                await AwaitDeliveriesAsync(hook, Path.Combine(data, "tracker.db"), TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            }

            HostMetricsText final = (await SettledAsync(http, TimeSpan.FromSeconds(60)).ConfigureAwait(false)).Plus(carried);
            ProcessSample.TryRead(host.Id, out ProcessSample hostFinal);
            var stoppingHost = Stopwatch.StartNew();
            int? exit = await host.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            output.WriteLine($"host stopped (exit {(exit is { } code ? Text(code) : "killed")}) in {stoppingHost.Elapsed.TotalSeconds:0.0} s; host peak RSS over the run {hostFinal.PeakRssBytes / 1048576.0:0} MiB");
            if (host.StopPhases is { } lastPhases)
            {
                output.WriteLine("  " + lastPhases);
            }

            FixCount count = FixCount.Of(fleet.FixesRecorded, FixTimes.InStore(Path.Combine(data, "tracker.db")), FixTimes.InCarLogs(settings.FlashDirectory), final);
            output.WriteLine(count.ToString());
            bool hooked = true;
            if (hook is not null)
            {
                var report = WebhookLatencyReport.Of(hook.Received, StandingEvents(Path.Combine(data, "tracker.db")), hook.Refused, publishes, windowStartMs, windowEndMs);
                output.WriteLine(report.ToString());
                hooked = report.AllOnce;
            }

            return count.Lost == 0 && connect.AllConnected && (reconnect?.AllConnected ?? true) && hooked ? 0 : Shortfall;
        }
        finally
        {
            restarted?.Dispose();
            if (view is not null)
            {
                await view.DisposeAsync().ConfigureAwait(false);
            }

            fleet.Dispose();
        }
    }

    /// <summary>
    /// Before anything starts: raises the open-file limit for <paramref name="cars"/> cars where it may, or says what to
    /// raise. Past the limit the load process could not open its cars' sockets and files, nor its own assemblies and
    /// /proc: it aborted at 10,000 cars on a 20,000 limit ("Out of memory.", or a FileNotFoundException for an assembly).
    /// </summary>
    internal static bool EnsureFileLimit(int cars, TextWriter output)
    {
        if (!OpenFileLimit.TryEnsure(cars, out string? problem, out string raised))
        {
            output.WriteLine("tracker-local-benchmark: " + problem);
            return false;
        }

        if (raised.Length > 0)
        {
            output.WriteLine(raised);
        }

        return true;
    }

    /// <summary>Two distinct free loopback ports: the host's HTTP and MQTT.</summary>
    internal static (int Http, int Mqtt) FreePorts()
    {
        int httpPort = FreePort.OnLoopback();
        int mqttPort = FreePort.OnLoopback();
        while (mqttPort == httpPort)
        {
            mqttPort = FreePort.OnLoopback();
        }

        return (httpPort, mqttPort);
    }

    /// <summary>Issues the cars' identities with the provisioning tool into the host's data folder before it starts, as an installer would.</summary>
    internal static void Provision(string data, int cars, int mqttPort, TextWriter output)
    {
        var provisioning = Stopwatch.StartNew();
        string pkiDirectory = Path.Combine(data, "pki");
        PrivateFiles.EnsureFolder(data);
        PrivateFiles.EnsureFolder(pkiDirectory);
        using (var pki = LocalPki.OpenOrCreate(pkiDirectory, IPAddress.Loopback))
        {
            for (int i = 1; i <= cars; i++)
            {
                pki.EnsureCar(CarIds.Of(i), mqttPort);
            }
        }

        output.WriteLine($"provisioned {cars} cars in {provisioning.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>tracker-local's command line for a load run: no cars of its own, no progress lines, no map tiles.</summary>
    internal static List<string> HostArguments(LoadOptions options, string data, int httpPort, int mqttPort)
    {
        List<string> hostArgs =
        [
            "--data", data, "--http-port", Text(httpPort), "--mqtt-port", Text(mqttPort), "--cars", "0", "--progress", "0",
            "--seed", Text(options.Seed), "--tile-url", "none",
        ];
        if (options.WebhookOverspeedKmh is { } kmh)
        {
            hostArgs.AddRange(["--overspeed-kmh", Text(kmh)]);
        }

        if (options.MaxPendingConnections is { } pending)
        {
            hostArgs.AddRange(["--max-pending-connections", Text(pending)]);
        }

        return hostArgs;
    }

    /// <summary>
    /// What the cars' uplinks did over the run (issue 19): reconnects, connections closed on a PUBACK timeout, late
    /// PUBACKs waited for on a live connection instead, and fixes published (every copy) against fixes committed. The
    /// resends that reached the host are the account's "delivered twice".
    /// </summary>
    private static string UplinkTotals(IReadOnlyList<SimulatedCar> cars)
    {
        long reconnects = 0, timeouts = 0, late = 0, sent = 0, committed = 0;
        foreach (SimulatedCar car in cars)
        {
            Tracker.Core.Uplink.UplinkCounters c = car.Counters;
            reconnects += c.Reconnects;
            timeouts += c.AckTimeouts;
            late += c.LateAcksWaited;
            sent += c.FixesSent;
            committed += c.FixesCommitted;
        }

        return $"cars' uplinks           {reconnects} reconnects, {timeouts} closed on a PUBACK timeout, {late} late PUBACKs waited for; fixes published {sent} (every copy, resends included), committed {committed}";
    }

    private static async Task<PauseReport> PauseAsync(HttpClient http, HostProcess host, SimulatedFleet fleet, TimeSpan pause, TimeSpan recoveryLimit)
    {
        long before = fleet.PendingFixes;
        long peak = before;
        await host.PauseAsync().ConfigureAwait(false);
        try
        {
            var paused = Stopwatch.StartNew();
            while (paused.Elapsed < pause)
            {
                await Task.Delay(250).ConfigureAwait(false);
                peak = Math.Max(peak, fleet.PendingFixes);
            }
        }
        finally
        {
            await host.ResumeAsync().ConfigureAwait(false);
        }

        // Back: a moving car publishes every live period, so its backlog returns to what it was before the freeze (per
        // car, plus one fix); a parked car batches every normal period (5 min by default), so its log is not expected to.
        var resumed = Stopwatch.StartNew();
        HostMetricsText atResume = await ScrapeAsync(http).ConfigureAwait(false);
        var draining = Stopwatch.StartNew();
        double perCarBefore = before / (double)Math.Max(1, fleet.Cars.Count);
        long now = fleet.PendingFixes;
        bool caughtUp = false;
        while (resumed.Elapsed < recoveryLimit && !host.HasExited)
        {
            await Task.Delay(250).ConfigureAwait(false);
            now = fleet.PendingFixes;
            peak = Math.Max(peak, now);
            SimulatedCar[] moving = [.. fleet.Cars.Where(c => c.IsMoving)];
            if (moving.Sum(c => c.PendingFixes) <= (perCarBefore + 1) * moving.Length)
            {
                caughtUp = true;
                break;
            }
        }

        string holders = string.Join(", ", fleet.Cars.Where(c => c.PendingFixes > 0).GroupBy(c => (c.State, c.IsMoving)).Select(g => g.Count() + " " + g.Key.State + (g.Key.IsMoving ? " moving" : " parked") + " holding " + g.Sum(c => c.PendingFixes)));
        // From one reading of the host's counters to the next, both taken on this side of the stretch they bound.
        HostMetricsText atEnd = await ScrapeAsync(http).ConfigureAwait(false);
        var drained = new DrainRate(
            atEnd["tracker_ingest_fixes_total"] - atResume["tracker_ingest_fixes_total"],
            atEnd["tracker_ingest_messages_total"] - atResume["tracker_ingest_messages_total"],
            draining.Elapsed);
        return new PauseReport(pause, before, peak, now, caughtUp ? resumed.Elapsed : null, holders, drained);
    }

    /// <summary>
    /// The storm from the cars' side, once as many cars as the host counted have had their Connect return (the host's
    /// gauge counts a car at its CONNACK, a moment before the car sees it), or after 10 s.
    /// </summary>
    private static async Task<ConnectSummary> CarsSideAsync(ConnectLog connects, long sinceMs, int cars, long originMs, long connected)
    {
        var waited = Stopwatch.StartNew();
        ConnectSummary summary = ConnectSummary.Of(connects.Since(sinceMs), cars, originMs);
        while (summary.CarsIn < connected && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100).ConfigureAwait(false);
            summary = ConnectSummary.Of(connects.Since(sinceMs), cars, originMs);
        }

        return summary;
    }

    /// <summary>Watches the host's connected-cars gauge until <paramref name="cars"/> are in, the host ends or <paramref name="timeout"/> passes.</summary>
    internal static async Task<StormReport> WatchStormAsync(HttpClient http, int cars, TimeSpan timeout, HostProcess host, Stopwatch storm)
    {
        // The highest number let in over any 1 s, from the gauge sampled every 250 ms.
        var samples = new List<(double Seconds, double Connected)> { (0, 0) };
        double connected = 0;
        while (storm.Elapsed < timeout && !host.HasExited)
        {
            connected = (await ScrapeAsync(http).ConfigureAwait(false))["tracker_devices_connected"];
            samples.Add((storm.Elapsed.TotalSeconds, connected));
            if (connected >= cars)
            {
                break;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        double peak = 0;
        for (int i = 0, j = 0; i < samples.Count; i++)
        {
            while (samples[i].Seconds - samples[j].Seconds > 1.0)
            {
                j++;
            }

            double span = samples[i].Seconds - samples[j].Seconds;
            if (span >= 0.25)
            {
                peak = Math.Max(peak, (samples[i].Connected - samples[j].Connected) / span);
            }
        }

        HostMetricsText refused = await ScrapeAsync(http).ConfigureAwait(false);
        return new StormReport(cars, (long)connected, storm.Elapsed.TotalSeconds, peak, refused.Labelled("tracker_broker_refused_total"));
    }

    private static async Task<string?> SubscribeAsync(HttpClient http, string data, WebhookReceiver hook)
    {
        // As an operator does: sign in, then PUT the subscription through the API.
        string password = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(data, LocalUsers.PasswordsFile)))!["ops"];
        using HttpResponseMessage login = await http.PostAsync(new Uri("auth/login", UriKind.Relative), Json(new { user = "ops", password })).ConfigureAwait(false);
        if (!login.IsSuccessStatusCode)
        {
            return "sign-in answered " + (int)login.StatusCode;
        }

        string token = System.Text.Json.Nodes.JsonNode.Parse(await login.Content.ReadAsStringAsync().ConfigureAwait(false))!["token"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("subscriptions/bench-webhook", UriKind.Relative))
        {
            Content = Json(new { name = "Bench webhook", types = new[] { "overspeed" }, webhook = new { url = hook.Url, secret = hook.Secret } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage put = await http.SendAsync(request).ConfigureAwait(false);
        return put.IsSuccessStatusCode ? null : "PUT /subscriptions answered " + (int)put.StatusCode + ": " + await put.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    private static StringContent Json(object value) => new(System.Text.Json.JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static async Task AwaitDeliveriesAsync(WebhookReceiver hook, string database, TimeSpan limit)
    {
        // The cars have stopped and their logs are stored: every standing event must reach the receiver (the notifier
        // retries for up to 10 attempts; this waits for the first delivery of each, bounded).
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            HashSet<(string, string)> got = [.. hook.Received.Select(r => (r.Delivery.CarId, r.Delivery.EventId))];
            if (StandingEvents(database).All(got.Contains))
            {
                await Task.Delay(1000).ConfigureAwait(false); // time for a duplicate to show, if there were one
                return;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }
    }

    private static HashSet<(string Car, string Id)> StandingEvents(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT car_id, event_id FROM events WHERE type = 'overspeed' AND withdrawn = 0 AND pending = 0";
        using SqliteDataReader reader = command.ExecuteReader();
        HashSet<(string, string)> events = [];
        while (reader.Read())
        {
            events.Add((reader.GetString(0), reader.GetString(1)));
        }

        return events;
    }

    /// <summary>
    /// The host's metrics once it has stored everything it was handed (no message waiting for or holding an ingest slot,
    /// read twice alike), or after <paramref name="limit"/>: read earlier, its count of fixes stored misses the writes
    /// still under way when the cars disconnected.
    /// </summary>
    internal static async Task<HostMetricsText> SettledAsync(HttpClient http, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        HostMetricsText last = await ScrapeAsync(http).ConfigureAwait(false);
        while (waited.Elapsed < limit)
        {
            await Task.Delay(250).ConfigureAwait(false);
            HostMetricsText now = await ScrapeAsync(http).ConfigureAwait(false);
            bool idle = now["tracker_ingest_queue_depth"] == 0 && now["tracker_ingest_in_progress"] == 0;
            if (idle && now["tracker_ingest_fixes_total"] == last["tracker_ingest_fixes_total"] && now["tracker_ingest_messages_total"] == last["tracker_ingest_messages_total"])
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    internal static async Task<HostMetricsText> ScrapeAsync(HttpClient http) =>
        HostMetricsText.Parse(await http.GetStringAsync(new Uri("metrics", UriKind.Relative)).ConfigureAwait(false));

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The host's CPU over the time it was read: cores, and per message when the messages are of that time alone.</summary>
    /// <param name="cpuSeconds">The host process's CPU time over the reading.</param>
    /// <param name="seconds">The reading's wall time.</param>
    /// <param name="messages">The messages stored in the window.</param>
    /// <param name="restarted">True when the host restarted in the window: the reading is the restarted host's, from after its reconnect storm, and the window's messages span both lives.</param>
    /// <returns>The text.</returns>
    internal static string HostCpu(double cpuSeconds, double seconds, double messages, bool restarted)
    {
        string cores = string.Create(CultureInfo.InvariantCulture, $"{(seconds > 0 ? cpuSeconds / seconds : 0):0.00} cores");
        if (restarted)
        {
            return cores + string.Create(CultureInfo.InvariantCulture, $" over the last {seconds:0} s (the restarted host's, after its reconnect storm)");
        }

        return cores + (messages > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({cpuSeconds * 1000 / messages:0.00} ms a message)") : " (n/a ms a message)");
    }

    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
