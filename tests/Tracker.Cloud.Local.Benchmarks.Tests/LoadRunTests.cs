using System.Globalization;
using System.Text.RegularExpressions;
using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Local.Fleet;
using Xunit.Abstractions;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>
/// The load mode run for real at a small scale: the built tracker-local as its own process, a few cars over mutual TLS.
/// Bounded by the options' own limits; nothing about speed is asserted, only that every fix is accounted for.
/// </summary>
public sealed partial class LoadRunTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Run_WithAFewCars_StoresEveryFixTheyRecord()
    {
        using var folder = new TempFolder();
        var output = new StringWriter(CultureInfo.InvariantCulture);

        int code = await LoadRun.RunAsync(SmallRun(folder) with { Measured = TimeSpan.FromSeconds(5) }, output);

        string report = output.ToString();
        log.WriteLine(report);
        Assert.True(code == 0, report);
        Assert.Contains("4 of 4 cars connected", report, StringComparison.Ordinal);
        Assert.Contains("lost 0", report, StringComparison.Ordinal);
        Assert.True(Stored(report) > 0, report);
        Assert.True(long.Parse(AckedLine().Match(report).Groups["n"].Value, CultureInfo.InvariantCulture) > 0, "no batch was timed to its PUBACK:\n" + report);
    }

    [Fact]
    public async Task Run_WithTheHostFrozenPastSaturationAndBack_TheCarsHoldTheirFixesAndLoseNone()
    {
        using var folder = new TempFolder();
        var output = new StringWriter(CultureInfo.InvariantCulture);

        // Frozen for 6 s, the host stores and acknowledges nothing: the cars' logs must hold what they record meanwhile
        // (the uplink waits for PUBACKs; its ack timeout is 30 s), and deliver it all once the host runs again.
        int code = await LoadRun.RunAsync(SmallRun(folder) with { PauseHost = TimeSpan.FromSeconds(6), Measured = TimeSpan.FromSeconds(30) }, output);

        string report = output.ToString();
        log.WriteLine(report);
        Assert.True(code == 0, report);
        Match pause = PauseLine().Match(report);
        Assert.True(pause.Success, report);
        long before = long.Parse(pause.Groups["before"].Value, CultureInfo.InvariantCulture);
        long peak = long.Parse(pause.Groups["peak"].Value, CultureInfo.InvariantCulture);
        Assert.True(peak > before, "the backlog did not grow while the host was frozen:\n" + report);
        Assert.Contains("lost 0", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithTheHostRestarted_EveryCarReconnects_AndNoFixIsLost()
    {
        using var folder = new TempFolder();
        var output = new StringWriter(CultureInfo.InvariantCulture);

        // Stopped as Ctrl+C does and started again on the same data: the cars' logs hold what they record while it is
        // down, every car gets back in through its own backoff, and the account over both lives closes.
        int code = await LoadRun.RunAsync(SmallRun(folder) with { RestartHost = true, Measured = TimeSpan.FromSeconds(20) }, output);

        string report = output.ToString();
        log.WriteLine(report);
        Assert.True(code == 0, report);
        Assert.Contains("host ready again in", report, StringComparison.Ordinal);
        Assert.Contains("after the restart, reconnect storm: 4 of 4 cars connected", report, StringComparison.Ordinal);
        // The host says where its stop's time went, and the window's CPU is the restarted host's own (both lives' messages are in the window).
        Assert.Contains("Host stopped: Derive ", report, StringComparison.Ordinal);
        Assert.Contains("(the restarted host's, after its reconnect storm)", report, StringComparison.Ordinal);
        Assert.Equal(2, CarsSideLine().Matches(report).Count(m => m.Groups["in"].Value == "4"));
        Assert.Contains("lost 0", report, StringComparison.Ordinal);
        // The host's own count over both lives (the first's as it printed it once stopped) is the store's rows.
        Assert.Contains("(equal to the rows)", report, StringComparison.Ordinal);
        Assert.True(Stored(report) > 0, report);
    }

    [Fact]
    public async Task Run_WithConnectThreads_AllCarsStormInAtOnce_TimedFromTheirSide_AndNoFixIsLost()
    {
        using var folder = new TempFolder();
        var output = new StringWriter(CultureInfo.InvariantCulture);

        // Every car started at once and each connect on a thread of its own: the storm is the host's to pace.
        int code = await LoadRun.RunAsync(SmallRun(folder) with { ConnectConcurrency = 4, StartSpread = TimeSpan.Zero, Measured = TimeSpan.FromSeconds(5) }, output);

        string report = output.ToString();
        log.WriteLine(report);
        Assert.True(code == 0, report);
        Assert.Contains("all at once, up to 4 connecting at once", report, StringComparison.Ordinal);
        Match side = CarsSideLine().Match(report);
        Assert.True(side.Success && side.Groups["in"].Value == "4", report);
        Assert.Contains("none gave up", report, StringComparison.Ordinal);
        Assert.Matches(@"load process with every car started: \d+ threads \([0-9.]+ a car\), \d+ open files \([0-9.]+ a car\)", report);
        Assert.Contains("lost 0", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAWebhookOnOverspeed_DeliversEveryEventOnceWithAValidSignature()
    {
        using var folder = new TempFolder();
        var output = new StringWriter(CultureInfo.InvariantCulture);

        // A 10 km/h fleet threshold: every drive of a few cars is an overspeed episode within seconds. The receiver in the
        // bench checks each POST's HMAC and the run fails (exit 3) unless every standing event arrived exactly once.
        int code = await LoadRun.RunAsync(SmallRun(folder) with { WebhookOverspeedKmh = 10, Measured = TimeSpan.FromSeconds(25) }, output);

        string report = output.ToString();
        log.WriteLine(report);
        Assert.True(code == 0, report);
        Match hooks = WebhookLine().Match(report);
        Assert.True(hooks.Success, report);
        int stood = int.Parse(hooks.Groups["stood"].Value, CultureInfo.InvariantCulture);
        Assert.True(stood > 0, "no overspeed event stood, so nothing was delivered:\n" + report);
        Assert.Equal(stood, int.Parse(hooks.Groups["once"].Value, CultureInfo.InvariantCulture));
        Assert.Contains("0 more than once, 0 never, 0 unexpected; every signature checked, none refused", report, StringComparison.Ordinal);
        Assert.Contains("publish -> webhook      p50 ", report, StringComparison.Ordinal);
    }

    private static LoadOptions SmallRun(TempFolder folder)
    {
        // Every car records a fix a second, parked or moving, so a few cars load the host from the first second.
        string policy = folder.Combine("every-second.conf");
        File.WriteAllText(policy, FleetPolicies.LiveText + "report.stopped.heartbeatS=1\n");
        return LoadOptions.Parse([LoadOptions.ModeFlag, "--cars", "4", "--warmup", "2", "--live-period", "1s", "--report-policy", policy, "--drain-timeout", "60s", "--connect-timeout", "60s"]);
    }

    private static long Stored(string report) => long.Parse(StoredLine().Match(report).Groups["n"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"fixes waiting in the cars' logs (?<before>\d+) before, peak (?<peak>\d+)")]
    private static partial Regex PauseLine();

    [GeneratedRegex(@"sent once stored\) over (?<n>\d+) batches")]
    private static partial Regex AckedLine();

    [GeneratedRegex(@"webhook deliveries +(?<stood>\d+) events stood, (?<once>\d+) delivered once")]
    private static partial Regex WebhookLine();

    [GeneratedRegex(@"cars' side: (?<in>\d+) of 4 cars in")]
    private static partial Regex CarsSideLine();

    [GeneratedRegex(@"= (?<n>\d+) stored")]
    private static partial Regex StoredLine();
}
