using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks;

/// <summary>
/// Issue 19, "the browser copes": the operator's fleet view in Debian Chromium with N cars, each sending a batch of
/// fixes every live period. The feed is synthetic: the host runs with no cars of its own, the N cars' latest positions
/// are written to its store (so <c>GET /cars</c> lists them, as for a real fleet), and each car's live batch, made by
/// the firmware's own encoder, is injected into the embedded broker on <c>fleet/{car}/fixes</c>, from where it reaches
/// the page over the real MQTT-over-WebSocket path. Ingest is not in the loop: the figure is the browser's.
/// Reports frame time (p50/p95/p99 of requestAnimationFrame intervals), long tasks, JS heap, DOM nodes and list rows,
/// where the page's CPU goes (a CPU profile, self time by script), and scrolling the list from top to bottom.
/// </summary>
public static class BrowserFleetBench
{
    /// <summary>The flag that selects this bench.</summary>
    public const string ModeFlag = "--browser-fleet";

    private const string CollectorScript = """
        () => {
          const m = { frames: [], longTasks: [], last: 0 };
          const tick = (t) => { if (m.last > 0) m.frames.push(t - m.last); m.last = t; requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          new PerformanceObserver((list) => { for (const e of list.getEntries()) m.longTasks.push(e.duration); }).observe({ type: 'longtask' });
          window.__benchFleet = m;
        }
        """;

    private const string TakeScript = """
        () => {
          const m = window.__benchFleet;
          const out = { frames: m.frames.splice(0), longTasks: m.longTasks.splice(0) };
          out.rows = document.querySelectorAll('#car-list li:not(.spacer)').length;
          out.nodes = document.getElementsByTagName('*').length;
          out.cars = window.trackerApp.carsShown();
          return out;
        }
        """;

    // Scrolls the list from top to bottom in `steps` jumps; after each, the time to the second animation frame (the
    // frame that shows the new rows) and whether a car's row is under the middle of the list there (a blank one is not).
    private const string ScrollScript = """
        async (steps) => {
          const list = document.getElementById('car-list');
          const frame = () => new Promise((r) => requestAnimationFrame(r));
          const times = []; let blank = 0;
          const box = list.getBoundingClientRect();
          for (let i = 1; i <= steps; i++) {
            const start = performance.now();
            list.scrollTop = (list.scrollHeight - list.clientHeight) * i / steps;
            await frame(); await frame();
            times.push(performance.now() - start);
            const at = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            if (at === null || at.closest('button.car-item') === null) blank++;
          }
          const lastRow = list.querySelector('[data-testid="car-item-' + window.__benchLastCar + '"]');
          const showsLast = lastRow !== null && lastRow.getBoundingClientRect().bottom <= box.bottom + 1;
          list.scrollTop = 0;
          return { times, blank, showsLast };
        }
        """;

    /// <summary>Runs the bench and prints its figures.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where the figures go.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        int cars = IntArg(args, "--cars", 10_000);
        int periodS = IntArg(args, "--live-period", 5);
        int seconds = IntArg(args, "--seconds", 60);
        int warmup = IntArg(args, "--warmup", 20);
        int profileS = IntArg(args, "--profile", 10);
        string? webRoot = StringArg(args, "--web-root");
        if (cars is < 1 or > 100_000 || periodS is < 1 or > 600 || seconds < 1 || warmup < 0 || profileS < 0)
        {
            await System.Console.Error.WriteLineAsync("tracker-local-benchmark: --browser-fleet takes --cars 1..100000, --live-period 1..600 (seconds), --seconds >= 1, --warmup >= 0, --profile >= 0 (seconds), --web-root DIR");
            return 2;
        }

        using var scratch = new TempFolder("tracker-browser-bench-");
        await output.WriteLineAsync($"tracker-local-benchmark --browser-fleet: {cars} cars (synthetic feed), a batch of {FixesPerBatch} fixes a car every {periodS} s, {warmup} s warm-up then {seconds} s measured, web app {webRoot ?? "(the repository's dist)"}, {Environment.ProcessorCount} cores");
        LocalFleetHost host = await LocalFleetHost.StartAsync(
            new LocalOptions { DataDirectory = scratch.Combine("data"), HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(5), WebRoot = webRoot is null ? null : Path.GetFullPath(webRoot) },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            kdfIterations: 1000);
        try
        {
            var fleet = new SyntheticFleet(cars, seed: 19);
            var seeding = Stopwatch.StartNew();
            await fleet.SeedAsync(host.Store, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await output.WriteLineAsync($"store seeded with {cars} cars' latest positions in {seeding.ElapsedMilliseconds} ms");

            var opening = Stopwatch.StartNew();
            await using FleetView view = await FleetView.OpenAsync(host.HttpUrl, host.Users.All.Single(u => u.User == "ops").Password);
            IPage page = view.Page;
            await page.WaitForFunctionAsync("n => window.trackerApp.carsShown() >= n", cars, new PageWaitForFunctionOptions { Timeout = 120_000 });
            await output.WriteLineAsync($"signed in, {cars} cars on the map, in {opening.ElapsedMilliseconds} ms");
            await page.EvaluateAsync("c => { window.__benchLastCar = c; }", fleet.LastCar);
            await page.EvaluateAsync(CollectorScript);
            ICDPSession cdp = await page.Context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Performance.enable");

            MqttServer broker = host.Services.GetRequiredService<MqttServer>();
            using var stop = new CancellationTokenSource();
            Task feed = fleet.RunAsync(broker, host.Published, TimeSpan.FromSeconds(periodS), stop.Token);

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            await page.EvaluateAsync<JsonElement>(TakeScript);
            await view.ResetAsync();
            long sentBefore = fleet.Sent;
            var measured = Stopwatch.StartNew();
            var frames = new List<double>();
            var longTasks = new List<double>();
            double peakHeap = 0;
            int peakRows = 0;
            int peakNodes = 0;
            while (measured.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(2000);
                JsonElement taken = await page.EvaluateAsync<JsonElement>(TakeScript);
                frames.AddRange(taken.GetProperty("frames").EnumerateArray().Select(e => e.GetDouble()));
                longTasks.AddRange(taken.GetProperty("longTasks").EnumerateArray().Select(e => e.GetDouble()));
                peakRows = Math.Max(peakRows, taken.GetProperty("rows").GetInt32());
                peakNodes = Math.Max(peakNodes, taken.GetProperty("nodes").GetInt32());
                Dictionary<string, double> metrics = await MetricsAsync(cdp);
                peakHeap = Math.Max(peakHeap, metrics.GetValueOrDefault("JSHeapUsedSize"));
                await view.CollectAsync(host.Published);
            }

            double elapsed = measured.Elapsed.TotalSeconds;
            long sent = fleet.Sent - sentBefore;
            Dictionary<string, double> end = await MetricsAsync(cdp);
            (IReadOnlyList<(string Script, double Ms)> profile, double profiledS) = profileS > 0 ? await ProfileAsync(cdp, TimeSpan.FromSeconds(profileS)) : ([], 0);

            JsonElement scroll = await page.EvaluateAsync<JsonElement>(ScrollScript, 50);
            var scrollTimes = scroll.GetProperty("times").EnumerateArray().Select(e => e.GetDouble()).ToList();
            JsonElement scrollFrames = await page.EvaluateAsync<JsonElement>(TakeScript);

            await stop.CancelAsync();
            await feed;

            frames.Sort();
            longTasks.Sort();
            scrollTimes.Sort();
            await output.WriteLineAsync();
            await output.WriteLineAsync($"machine                 load average {LoadAverage()} at the end ({Environment.ProcessorCount} cores)");
            await output.WriteLineAsync($"feed                    {sent} batches in {elapsed:0} s = {sent / elapsed:0} messages/s to the page ({sent * FixesPerBatch / elapsed:0} fixes/s)");
            await output.WriteLineAsync($"broker -> page          {view.Summary()}");
            await output.WriteLineAsync($"frame time              p50 {Q(frames, 0.5):0.0} ms, p95 {Q(frames, 0.95):0.0} ms, p99 {Q(frames, 0.99):0.0} ms, max {Q(frames, 1):0} ms over {frames.Count} frames ({frames.Count / elapsed:0.0} frames/s)");
            await output.WriteLineAsync($"long tasks (> 50 ms)    {longTasks.Count} in {elapsed:0} s, {longTasks.Sum():0} ms in all ({100 * longTasks.Sum() / (elapsed * 1000):0.0} % of the time), longest {(longTasks.Count == 0 ? "-" : Q(longTasks, 1).ToString("0", CultureInfo.InvariantCulture))} ms");
            await output.WriteLineAsync($"JS heap                 {end.GetValueOrDefault("JSHeapUsedSize") / 1048576:0.0} MiB used at the end, peak {peakHeap / 1048576:0.0} MiB, {end.GetValueOrDefault("JSHeapTotalSize") / 1048576:0.0} MiB allocated");
            await output.WriteLineAsync($"DOM                     {peakNodes} elements at most, {peakRows} list rows at most ({end.GetValueOrDefault("Nodes"):0} nodes, {end.GetValueOrDefault("JSEventListeners"):0} listeners at the end)");
            await output.WriteLineAsync($"scroll top to bottom    50 jumps: to the frame showing them p50 {Q(scrollTimes, 0.5):0.0} ms, p95 {Q(scrollTimes, 0.95):0.0} ms, max {Q(scrollTimes, 1):0.0} ms; {scroll.GetProperty("blank").GetInt32()} jumps showed no row; last car shown at the end: {(scroll.GetProperty("showsLast").GetBoolean() ? "yes" : "no")}; {scrollFrames.GetProperty("longTasks").GetArrayLength()} long tasks");
            if (profile.Count > 0)
            {
                double total = profile.Sum(p => p.Ms);
                await output.WriteLineAsync($"page main thread ({profiledS:0.0} s profile, self time by script; idle left out): busy {total / profiledS / 10:0.0} % of the time");
                foreach ((string script, double ms) in profile.Take(10))
                {
                    await output.WriteLineAsync($"  {script,-28} {ms / profiledS:0.0} ms/s ({100 * ms / total:0.0} %)");
                }
            }
        }
        finally
        {
            await host.StopAsync();
        }

        return 0;
    }

    /// <summary>Fixes in each car's batch: one a second over the live period, as the device sends them at 5 s.</summary>
    internal const int FixesPerBatch = 5;

    private static async Task<Dictionary<string, double>> MetricsAsync(ICDPSession cdp)
    {
        JsonElement? result = await cdp.SendAsync("Performance.getMetrics");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (result is { } r)
        {
            foreach (JsonElement m in r.GetProperty("metrics").EnumerateArray())
            {
                metrics[m.GetProperty("name").GetString()!] = m.GetProperty("value").GetDouble();
            }
        }

        return metrics;
    }

    // A sampling CPU profile of the page's main thread (1 ms), self time summed by script file name, idle left out; and
    // the profile's length in seconds (longer than asked when the page is slow to answer).
    private static async Task<(IReadOnlyList<(string Script, double Ms)> Scripts, double Seconds)> ProfileAsync(ICDPSession cdp, TimeSpan length)
    {
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 1000 });
        await cdp.SendAsync("Profiler.start");
        await Task.Delay(length);
        JsonElement? result = await cdp.SendAsync("Profiler.stop");
        await cdp.SendAsync("Profiler.disable");
        if (result is not { } r)
        {
            return ([], 0);
        }

        JsonElement profile = r.GetProperty("profile");
        double seconds = (profile.GetProperty("endTime").GetDouble() - profile.GetProperty("startTime").GetDouble()) / 1e6;
        var scriptOf = new Dictionary<int, string>();
        foreach (JsonElement node in profile.GetProperty("nodes").EnumerateArray())
        {
            JsonElement frame = node.GetProperty("callFrame");
            string url = frame.GetProperty("url").GetString() ?? string.Empty;
            string name = frame.GetProperty("functionName").GetString() ?? string.Empty;
            scriptOf[node.GetProperty("id").GetInt32()] = url.Length > 0 ? url[(url.LastIndexOf('/') + 1)..] : name.StartsWith('(') ? name : "(native: " + name + ")";
        }

        var ms = new Dictionary<string, double>(StringComparer.Ordinal);
        JsonElement samples = profile.GetProperty("samples");
        JsonElement deltas = profile.GetProperty("timeDeltas");
        int count = samples.GetArrayLength();
        for (int i = 0; i < count; i++)
        {
            // Each sample's time is the delta to the next one.
            double dt = i + 1 < count ? deltas[i + 1].GetDouble() / 1000 : 0;
            string script = scriptOf.GetValueOrDefault(samples[i].GetInt32(), "?");
            ms[script] = ms.GetValueOrDefault(script) + dt;
        }

        ms.Remove("(idle)");
        return ([.. ms.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))], seconds);
    }

    private static string LoadAverage()
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

    private static double Q(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int IntArg(string[] args, string name, int fallback)
    {
        string? text = StringArg(args, name);
        return text is not null && int.TryParse(text.TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }

    private static string? StringArg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>
    /// N cars spread over the town around the local fleet's centre, 70 % of them driving a straight line at 36 km/h
    /// (turning back at the edge), the rest parked; each publishes a batch once a live period, the cars' turns spread
    /// evenly over the period.
    /// </summary>
    private sealed class SyntheticFleet(int cars, int seed)
    {
        private const int CentreLatE7 = 395_250_000;
        private const int CentreLonE7 = -1_198_100_000;
        private const int SpreadE7 = 450_000; // about 5 km
        private readonly (string Id, int LatE7, int LonE7, int DLatE7, int DLonE7, bool Moving)[] _cars = Make(cars, seed);
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public string LastCar => _cars[^1].Id;

        public async Task SeedAsync(IFixStore store, long nowMs)
        {
            foreach (var c in _cars)
            {
                await store.AdvanceLatestAsync(new StoredFix(c.Id, nowMs - 60_000, c.LatE7, c.LonE7, null, c.Moving ? 10_000 : 0, 0, 80, 10, 3, 1, false, c.Moving, nowMs), CancellationToken.None);
            }
        }

        public async Task RunAsync(MqttServer broker, PublishTimes published, TimeSpan period, CancellationToken cancellationToken)
        {
            // Batches are due at an even pace (cars / period); each 50 ms tick sends those due, so a tick that comes late
            // (a busy machine) sends more and the offered rate holds. At most one period's worth is caught up.
            var tick = TimeSpan.FromMilliseconds(50);
            var clock = Stopwatch.StartNew();
            long sentHere = 0;
            int next = 0;
            using var timer = new PeriodicTimer(tick);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    long due = (long)(clock.Elapsed.TotalMilliseconds * _cars.Length / period.TotalMilliseconds);
                    sentHere = Math.Max(sentHere, due - _cars.Length);
                    long perTick = due - sentHere;
                    long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
                    for (long k = 0; k < perTick; k++, next = (next + 1) % _cars.Length)
                    {
                        sentHere++;
                        (string carId, byte[] payload) = NextBatch(next, now);
                        if (PublishTimes.TryReadCrc(payload, out uint crc))
                        {
                            published.Record(carId, crc, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                        }

                        var message = new MqttApplicationMessage { Topic = "fleet/" + carId + "/fixes", Payload = new ReadOnlySequence<byte>(payload), QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce };
                        await broker.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = string.Empty }, cancellationToken);
                        Interlocked.Increment(ref _sent);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // the end of the run
            }
        }

        // Car `index`'s next batch: FixesPerBatch fixes a second apart, the newest at `now`, moving it along.
        private (string CarId, byte[] Payload) NextBatch(int index, long now)
        {
            ref var c = ref _cars[index];
            var fixes = new Fix[FixesPerBatch];
            for (int f = 0; f < FixesPerBatch; f++)
            {
                if (c.Moving)
                {
                    if (Math.Abs(c.LatE7 + c.DLatE7 - CentreLatE7) > SpreadE7 || Math.Abs(c.LonE7 + c.DLonE7 - CentreLonE7) > SpreadE7)
                    {
                        c.DLatE7 = -c.DLatE7;
                        c.DLonE7 = -c.DLonE7;
                    }

                    c.LatE7 += c.DLatE7;
                    c.LonE7 += c.DLonE7;
                }

                Fix fix = Fix.Create(now - ((FixesPerBatch - 1 - f) * 1000L), c.LatE7, c.LonE7);
                fix.Mode = FixMode.ThreeD;
                fix.Quality = FixQuality.Autonomous;
                fix.HdopX100 = 80;
                fix.Satellites = 10;
                fix.SpeedMmps = c.Moving ? 10_000 : 0;
                fix.CourseCdeg = 0;
                fixes[f] = fix;
            }

            byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
            int length = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 0, out _);
            return (c.Id, buffer[..length]);
        }

        private static (string, int, int, int, int, bool)[] Make(int cars, int seed)
        {
            var random = new Random(seed);
            var all = new (string, int, int, int, int, bool)[cars];
            for (int i = 0; i < cars; i++)
            {
                double heading = random.NextDouble() * 2 * Math.PI;
                bool moving = random.NextDouble() < 0.7;

                // 10 m a second: 900 e-7 degrees of latitude; longitude's degrees are shorter by cos(39.5 degrees).
                all[i] = ("car-" + (i + 1).ToString("D5", CultureInfo.InvariantCulture), CentreLatE7 + random.Next(-SpreadE7, SpreadE7), CentreLonE7 + random.Next(-SpreadE7, SpreadE7),
                    (int)(900 * Math.Cos(heading)), (int)(900 * Math.Sin(heading) / Math.Cos(39.5 * Math.PI / 180)), moving);
            }

            return all;
        }
    }
}
