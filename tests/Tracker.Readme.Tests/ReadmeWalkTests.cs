using Xunit.Abstractions;

namespace Tracker.Readme.Tests;

/// <summary>
/// README.md's commands, walked. Each command is listed here with how it is walked: run (on the suite's build, with
/// what is changed and why), or classified with the reason it cannot run here. A command in the README that is not
/// listed, or a listed one that left the README, fails <see cref="EveryCommandInTheReadme_IsWalkedOrClassified"/>.
/// Figures the README quotes from a command's output are checked against that output.
/// </summary>
public sealed class ReadmeWalkTests(ITestOutputHelper output) : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const string MainCommand = "dotnet run --project cloud/Tracker.Cloud.Local";
    private const string MainCommandBuilt = "dotnet run --no-build --project cloud/Tracker.Cloud.Local";
    private const string TestCommand = "dotnet test Tracker.sln";
    private const string ProvisionHelp = "dotnet run --project provisioning/Tracker.Provisioning.Cli -- --help";
    private const string StatsSample = "dotnet run --project firmware/Tracker.BenchTool -- stats firmware/Tracker.BenchTool/samples/demo-drive.nmea";
    private const string ReplaySample = "dotnet run --project firmware/Tracker.BenchTool -- replay firmware/Tracker.BenchTool/samples/demo-drive.nmea --to host";
    private const string StatsDrive = "dotnet run --project firmware/Tracker.BenchTool -- stats ../shared/data/drives/garmin-drive-2005.nmea";
    private const string ReplayDrive = "dotnet run --project firmware/Tracker.BenchTool -- replay ../shared/data/drives/garmin-drive-2005.nmea --to host";
    private const string CostModel = "dotnet run --project cloud/Tracker.Cloud.Infra -- cost-model";
    private const string Benchmarks = "dotnet run -c Release --project tests/Tracker.Core.Benchmarks -- --filter '*'";
    private const string CloudIngest = "dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --store both --cars 20 --fixes 1000 --concurrency 4";
    private const string CloudQuery = "dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --mode query --store sqlite --cars 1000 --hours 24 --interval-s 5 --queries 300";
    private const string CloudQueryDynalite = "dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --mode query --store dynalite --cars 10 --hours 24 --interval-s 5 --queries 300";
    private const string CloudTruth = "dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --mode truth --cars 20 --hours 6";
    private const string CloudEvents = "dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --store sqlite --cars 20 --fixes 5000 --concurrency 4 --events compare --sync normal --rounds 5";
    private const string LocalBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --cars 1000 --seconds 120 --warmup 60";
    private const string LoadBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process --browser --cars 1000 --warmup 30 --seconds 60";
    private const string WebhookBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process --cars 1000 --warmup 30 --seconds 120 --webhook-overspeed 20";
    private const string TenThousandCars = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process --browser --cars 10000 --connect-concurrency 64 --warmup 60 --seconds 120 --connect-timeout 600s --drain-timeout 300s";
    private const string SweepAtDevicePeriod = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process --sweep --cars 10000 --sweep-step 1000 --live-period 5s --connect-concurrency 64 --warmup 20 --seconds 40 --connect-timeout 600s --drain-timeout 300s";
    private const string ReconnectStorm = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --host-process --cars 10000 --start-spread 0 --connect-concurrency 64 --restart-host --warmup 30 --seconds 60 --connect-timeout 600s --drain-timeout 300s";
    private const string BrowserBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Local.Benchmarks -- --browser-fleet --cars 10000 --seconds 60 --warmup 20 --profile 10";
    private const string ArchiveBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --store sqlite --cars 1000 --interval-s 5 --db /tmp/archive-benchmark.db";
    private const string TripArchiveBenchmark = "dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --tables trips --cars 1000 --days 29 --trips 8";

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    /// <summary>Every command of the README and how the walk treats it.</summary>
    private static readonly Dictionary<string, string> Walk = new(StringComparer.Ordinal)
    {
        [MainCommand] = "runs until ready, then Ctrl+C (free ports and a temporary data folder; the suite's build)",
        [MainCommandBuilt] = "runs until ready, then Ctrl+C (free ports and a temporary data folder)",
        [TestCommand] = "the test command itself: .ci/run runs it, and runs it again in a clean clone with the npm servers hidden",
        [ProvisionHelp] = "runs",
        [StatsSample] = "runs; its 580 fixes and 8.33 bytes a fix are the README's",
        [ReplaySample] = "runs; its 27 records, 31.78 and 59.70 bytes a fix are the README's",
        [StatsDrive] = "needs ../shared (the drive is read in place, never copied); runs when it is there, and its 7.17 bytes a fix are the README's",
        [ReplayDrive] = "needs ../shared; runs when it is there, and its 735 records are the README's",
        [CostModel] = "runs; its $131.99 and $258.91 are the README's",
        [Benchmarks] = "a run of about half an hour on a quiet machine: the walk lists what the filter selects (--list flat) on the suite's build",
        [CloudIngest] = "minutes of work: run with the same options at 2 cars of 50 fixes (needs dynalite for the 'both')",
        [CloudQuery] = "17 million rows to write first: run with the same options at 2 cars for 1 hour",
        [CloudQueryDynalite] = "run with the same options at 2 cars for 1 hour (needs dynalite)",
        [CloudTruth] = "a minute of simulated fleet: run with the same options at 4 cars for 5 h (exits 0 only with every event found and no false alarm)",
        [CloudEvents] = "minutes of work: run with the same options at 2 cars of 50 fixes, one round",
        [LocalBenchmark] = "three minutes of 1,000 cars and a browser: run with the same options at 3 cars for 3 s (needs Chromium)",
        [LoadBenchmark] = "minutes of 1,000 cars apart from the host, and a browser: run with the same options at 3 cars, 1 s warm-up, 3 s measured (needs Chromium)",
        [WebhookBenchmark] = "minutes of 1,000 cars apart from the host and a webhook: run with the same options at 3 cars, 1 s warm-up, 3 s measured (exits 0 only with every standing event delivered once, signed)",
        [TenThousandCars] = "the 10,000-car run on a quiet machine (an hour with provisioning): run with the same options at 3 cars, 2 connect threads, 1 s warm-up, 3 s measured (needs Chromium)",
        [SweepAtDevicePeriod] = "the sweep to 10,000 cars at the device's 5 s period on a quiet machine (about 20 minutes): run with the same options to 4 cars, 2 a step, 2 connect threads, 1 s warm-up, 3 s measured a step (exits 0 only with nothing lost)",
        [ReconnectStorm] = "10,000 cars at once and again after a restart, on a quiet machine: run with the same options at 3 cars, 2 connect threads, 1 s warm-up, 10 s measured (exits 0 only with every car back in and nothing lost)",
        [BrowserBenchmark] = "minutes of 10,000 cars on a synthetic feed in Chromium: run with the same options at 200 cars, 1 s warm-up, 3 s measured, a 1 s profile (needs Chromium)",
        [ArchiveBenchmark] = "17 million fixes to write first: run with the same options at 2 cars, a fix every 10 minutes, in a temporary file",
        [TripArchiveBenchmark] = "232,000 trips to load first: run with the same options at 3 cars and 2 trips a day",
        ["dotnet run"] = "prose: the start of the main command (the build that dotnet run does)",
        ["dotnet tool install -g nanoff"] = "installs a global .NET tool on the installer's machine; what it serves (flashing) needs a board",
        ["nanoff list ports"] = "hardware: lists the serial ports of the boards plugged in",
        ["nanoff flash target ESP32_S3_OCTAL serialport COM7 fwversion 1.17.0.285 masserase"] = "hardware: flashes a board on COM7",
        ["nanoff deploy file ~/.local/share/tracker-provision/bundles/CAR-0042/deploy.json serialport COM7"] = "hardware: writes a car's files to a board on COM7",
        ["nanoff deploy target ESP32_S3_OCTAL serialport COM7 image firmware/Tracker.Device/bin/Release/Tracker.Device.bin"] = "hardware: a board on COM7 and the nanoFramework build's image",
        ["tracker-bench replay <log> --to serial:/dev/ttyUSB0 --baud 9600 --rate 1"] = "hardware: a USB-UART wired to a board's GNSS input (tests/Tracker.BenchTool.Tests replays into a socat pseudo-terminal pair instead)",
        ["tracker-bench stats"] = "a name in a table: its full command, on the drive, follows (walked above)",
        ["dotnet run --project provisioning/Tracker.Provisioning.Cli -- device create --car CAR-0042 --endpoint <ats-endpoint> --apn <apn> --root-ca AmazonRootCA1.pem --installer \"Ann Smith\""] =
            "AWS: the fleet's IoT endpoint, its APN and the administrator's CA are the installer's (tests/Tracker.Provisioning.Tests runs device create with stand-ins)",
        ["dotnet run --project provisioning/Tracker.Provisioning.Cli -- device flash --car CAR-0042 --port COM7 --masserase"] = "hardware: a board on COM7, and nanoff (tests/Tracker.Provisioning.Tests runs flash without either)",
        ["dotnet run --project provisioning/Tracker.Provisioning.Cli -- device verify --car CAR-0042"] = "AWS: connects to the car's IoT endpoint (tests/Tracker.Provisioning.IntegrationTests verify against mosquitto)",
        ["npx cdk synth -c stage=dev"] = "npm aws-cdk CLI in cloud/Tracker.Cloud.Infra: tests/Tracker.Cloud.Infra.Tests (CdkCliTests) run its synth",
        ["dotnet test tests/Tracker.Core.Tests --filter GpsdCorpus --logger \"console;verbosity=detailed\""] = "a test run (its tests need ../shared): the project and the tests the filter names exist; the suite runs them",
        ["dotnet test tests/Tracker.Core.Tests --filter FixLogCapacity --logger \"console;verbosity=detailed\""] = "a test run: the project and the tests the filter names exist; the suite runs them",
        ["dotnet test tests/Tracker.Integration.Tests --filter WireBytes --logger \"console;verbosity=detailed\""] = "a test run (needs mosquitto): the project and the tests the filter names exist; the suite runs them",
        ["dotnet test tests/Tracker.Integration.Tests"] = "a test run: the project exists; the suite runs it",
        ["nanoff --nanodevice --serialport COM7 --devicedetails"] = "hardware: reads the native assembly versions of a board on COM7",
        ["npm ci"] = "prose: the install in cloud/dynalite, which .ci/run does before the suite",
        ["dotnet publish cloud/Tracker.Cloud.Lambda.Runtime -c Release -r linux-x64 -o /tmp/bootstrap"] =
            "the deploy's publish for this machine: tests/Tracker.Cloud.Lambda.Runtime.Tests publish exactly this (into their own folder) and start the bootstrap (needs clang)",
        ["dotnet run --project cloud/Tracker.Cloud.Lambda.Cli -- benchmark-bootstrap --package /tmp/bootstrap --cold 10 --warm 500 --handler ingest --event generated:ingest --dynamodb-url http://127.0.0.1:4567"] =
            "a benchmark against the published bootstrap and a dynalite started by hand: the runtime tests drive the same bootstrap through the same local Runtime API",
        ["dotnet run --project cloud/Tracker.Cloud.Lambda.Cli -- benchmark-bootstrap --package /tmp/bootstrap --cold 10 --warm 500 --handler api --event cloud/Tracker.Cloud.Lambda/sample-events/api-fleet.json --renew-token-expiry true --dynamodb-url http://127.0.0.1:4567"] =
            "a benchmark against the published bootstrap and a dynalite started by hand: the runtime tests drive the same bootstrap through the same local Runtime API",
        ["dotnet test tests/Tracker.Core.Tests --filter UplinkFault"] = "a test run: the project and the tests the filter names exist; the suite runs them",
        ["dotnet test tests/Tracker.Cloud.Local.Tests --filter Backpressure"] = "a test run: the project and the tests the filter names exist; the suite runs them",
    };

    private readonly TempFolder _scratch = new("tracker-readme-walk-");

    public static TheoryData<string> TestRuns => [.. Walk.Keys.Where(c => c.StartsWith("dotnet test tests/", StringComparison.Ordinal))];

    [Fact]
    public void EveryCommandInTheReadme_IsWalkedOrClassified()
    {
        IReadOnlyList<(int Line, string Command)> commands = ReadmeCommands.Extract(File.ReadAllText(ReadmeCommands.ReadmePath));

        string[] unknown = [.. commands.Where(c => !Walk.ContainsKey(c.Command)).Select(c => $"README.md:{c.Line}: {c.Command}")];
        Assert.True(unknown.Length == 0, "commands in the README that the walk does not know (add each to ReadmeWalkTests with how it is walked):\n" + string.Join('\n', unknown));
        string[] gone = [.. Walk.Keys.Where(k => !commands.Any(c => c.Command == k))];
        Assert.True(gone.Length == 0, "commands the walk knows that left the README (remove them):\n" + string.Join('\n', gone));
        foreach ((int line, string command) in commands)
        {
            output.WriteLine($"README.md:{line}: {command}\n    {Walk[command]}");
        }
    }

    [Fact]
    public void TheTestCommand_IsTheOneCiRuns()
    {
        string ci = File.ReadAllText(Repository.PathOf(".ci", "run"));

        Assert.Contains("TEST_COMMAND='" + TestCommand + "'", ci, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestRuns))]
    public void TestRunCommands_NameAProjectAndTestsThatExist(string command)
    {
        string[] words = ReadmeCommands.Words(command);
        string project = Repository.PathOf(words[2].Split('/'));
        Assert.True(File.Exists(Path.Combine(project, Path.GetFileName(project) + ".csproj")), command + ": no such test project");
        int filter = Array.IndexOf(words, "--filter");
        if (filter >= 0)
        {
            // A bare filter is "FullyQualifiedName contains": some class or method name of the project must contain it.
            string name = words[filter + 1];
            bool named = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Any(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"\b(class|void|Task)\s+\w*" + name + @"\w*"));
            Assert.True(named, command + ": no test of " + words[2] + " has '" + name + "' in its name");
        }
    }

    [Fact]
    public async Task MainCommand_StartsUntilReady_AndStopsCleanlyOnCtrlC()
    {
        await RunUntilReadyAsync(MainCommand);
    }

    [Fact]
    public async Task MainCommandWithoutItsBuild_StartsUntilReady_AndStopsCleanlyOnCtrlC()
    {
        await RunUntilReadyAsync(MainCommandBuilt);
    }

    [Fact]
    public async Task ProvisioningHelp_Runs()
    {
        string text = await RunAsync(ProvisionHelp);

        Assert.Contains("device", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsOfTheSample_GiveTheReadmesFigures()
    {
        string text = await RunAsync(StatsSample);

        Assert.Matches(@"epochs\.withFix\s+580\b", text);
        Assert.Matches(@"wire\.bytesPerFix\s+8\.33\b", text);
    }

    [Fact]
    public async Task ReplayOfTheSample_GivesTheReadmesFigures()
    {
        string text = await RunAsync(ReplaySample);

        Assert.Contains("fixes: read 580, recorded 27", text, StringComparison.Ordinal);
        Assert.Contains("payload 31.78, with MQTT 59.70", text, StringComparison.Ordinal);
    }

    [SharedFact("data/drives/garmin-drive-2005.nmea")]
    public async Task StatsOfTheDrive_GiveTheReadmesFigure()
    {
        string text = await RunAsync(StatsDrive);

        Assert.Matches(@"wire\.bytesPerFix\s+7\.17\b", text);
    }

    [SharedFact("data/drives/garmin-drive-2005.nmea")]
    public async Task ReplayOfTheDrive_GivesTheReadmesFigure()
    {
        string text = await RunAsync(ReplayDrive);

        Assert.Contains("fixes: read 4469, recorded 735", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CostModel_GivesTheReadmesFigures()
    {
        string text = await RunAsync(CostModel);

        Assert.Contains("131.99", text, StringComparison.Ordinal);
        Assert.Contains("258.91", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Benchmarks_TheFilterSelectsThem()
    {
        string text = await RunAsync(Benchmarks, extra: ["--list", "flat"]);

        Assert.Contains("Benchmark", text, StringComparison.Ordinal);
    }

    [FactNeeding(Part.Dynalite)]
    public async Task CloudIngestBenchmark_RunsWithItsOptions()
    {
        await RunAsync(CloudIngest, ("--cars", "2"), ("--fixes", "50"), ("--concurrency", "2"));
    }

    [Fact]
    public async Task CloudQueryBenchmark_RunsWithItsOptions()
    {
        await RunAsync(CloudQuery, ("--cars", "2"), ("--hours", "1"), ("--interval-s", "60"), ("--queries", "5"));
    }

    [FactNeeding(Part.Dynalite)]
    public async Task CloudQueryBenchmarkOnDynalite_RunsWithItsOptions()
    {
        await RunAsync(CloudQueryDynalite, ("--cars", "2"), ("--hours", "1"), ("--interval-s", "60"), ("--queries", "5"));
    }

    [Fact]
    public async Task CloudTruthBenchmark_RunsWithItsOptions_AndFindsEveryEvent()
    {
        string text = await RunAsync(CloudTruth, ("--cars", "4"), ("--hours", "5"));

        Assert.Contains("100.0 %      0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudEventsCompareBenchmark_RunsWithItsOptions()
    {
        string text = await RunAsync(CloudEvents, ("--cars", "2"), ("--fixes", "50"), ("--concurrency", "2"), ("--rounds", "1"));

        Assert.Contains("on / off", text, StringComparison.Ordinal);
    }

    [FactNeeding(Part.Chromium)]
    public async Task LocalFleetBenchmark_RunsWithItsOptions()
    {
        await RunAsync(LocalBenchmark, ("--cars", "3"), ("--seconds", "3"), ("--warmup", "1"));
    }

    [FactNeeding(Part.Chromium)]
    public async Task LoadBenchmark_RunsWithItsOptions()
    {
        await RunAsync(LoadBenchmark, ("--cars", "3"), ("--seconds", "3"), ("--warmup", "1"));
    }

    [FactNeeding(Part.Chromium)]
    public async Task TenThousandCarRun_RunsWithItsOptions()
    {
        string text = await RunAsync(TenThousandCars, ("--cars", "3"), ("--connect-concurrency", "2"), ("--seconds", "3"), ("--warmup", "1"));
        Assert.Contains("up to 2 connecting at once", text, StringComparison.Ordinal);
        Assert.Contains("cars' side: 3 of 3 cars in", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SweepAtTheDevicesPeriod_RunsWithItsOptions()
    {
        string text = await RunAsync(SweepAtDevicePeriod, ("--cars", "4"), ("--sweep-step", "2"), ("--connect-concurrency", "2"), ("--seconds", "3"), ("--warmup", "1"));
        Assert.Contains("live period 5 s", text, StringComparison.Ordinal);
        Assert.Contains("lost 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconnectStormRun_RunsWithItsOptions()
    {
        string text = await RunAsync(ReconnectStorm, ("--cars", "3"), ("--connect-concurrency", "2"), ("--seconds", "10"), ("--warmup", "1"));
        Assert.Contains("after the restart, reconnect storm: 3 of 3 cars connected", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("cars' side: 3 of 3 cars in").Length - 1);
    }

    [FactNeeding(Part.Chromium)]
    public async Task BrowserFleetBenchmark_RunsWithItsOptions()
    {
        string text = await RunAsync(BrowserBenchmark, ("--cars", "200"), ("--seconds", "3"), ("--warmup", "1"), ("--profile", "1"));
        Assert.Contains("frame time", text, StringComparison.Ordinal);
        Assert.Contains("last car shown at the end: yes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookLatencyBenchmark_RunsWithItsOptions()
    {
        string text = await RunAsync(WebhookBenchmark, ("--cars", "3"), ("--seconds", "3"), ("--warmup", "1"));
        Assert.Contains("publish -> webhook", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchiveBenchmark_RunsWithItsOptions()
    {
        await RunAsync(ArchiveBenchmark, ("--cars", "2"), ("--interval-s", "600"), ("--db", _scratch.Combine("archive-benchmark.db")));
    }

    [Fact]
    public async Task TripArchiveBenchmark_RunsWithItsOptions()
    {
        string text = await RunAsync(TripArchiveBenchmark, ("--cars", "3"), ("--trips", "2"));
        Assert.Contains("bytes a trip", text, StringComparison.Ordinal);
        Assert.Contains("nothing written", text, StringComparison.Ordinal);
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>
    /// Runs a README command from the clone's root: its program as the suite built it (dotnet run --no-build, in the
    /// suite's configuration), with the option values <paramref name="scaled"/> names changed, and <paramref name="extra"/> arguments after.
    /// </summary>
    private async Task<string> RunAsync(string command, params (string Option, string Value)[] scaled) => await RunAsync(command, [], scaled);

    private async Task<string> RunAsync(string command, string[] extra, params (string Option, string Value)[] scaled)
    {
        Assert.True(Walk.ContainsKey(command), "not a README command: " + command);
        List<string> words = BuiltRun(command);
        foreach ((string option, string value) in scaled)
        {
            int at = words.IndexOf(option);
            Assert.True(at >= 0 && at + 1 < words.Count, command + " has no " + option);
            words[at + 1] = value;
        }

        words.AddRange(extra);
        output.WriteLine("$ dotnet " + string.Join(' ', words));
        (int? code, string text) = await TestProcess.RunAsync(Repository.Root, Bound, "dotnet", [.. words]);
        output.WriteLine(text.Length > 4000 ? text[^4000..] : text);
        Assert.True(code == 0, $"'{command}' ended with {(code is null ? "no exit in " + Bound : "exit code " + code)}:\n{text}");
        return text;
    }

    private async Task RunUntilReadyAsync(string command)
    {
        List<string> words = BuiltRun(command);
        if (!words.Contains("--"))
        {
            words.Add("--");
        }

        words.AddRange(["--http-port", "0", "--mqtt-port", "0", "--progress", "0", "--data", _scratch.Combine(".tracker-local")]);
        output.WriteLine("$ dotnet " + string.Join(' ', words));
        using TestProcess host = TestProcess.Start(Repository.Root, "dotnet", [.. words]);
        Assert.True(await host.WaitForAsync("tracker-local: ready", Bound), "not ready:\n" + host.Output);
        Assert.Contains("Web app and API:", host.Output, StringComparison.Ordinal);
        host.Interrupt();
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(90)) == 0, "Ctrl+C did not stop it cleanly:\n" + host.Output);
        Assert.Contains("tracker-local: stopped;", host.Output, StringComparison.Ordinal);
        output.WriteLine(host.Output);
    }

    /// <summary>"dotnet run [-c X] --project P -- args" as "run --no-build -c (the suite's) --project P -- args".</summary>
    private static List<string> BuiltRun(string command)
    {
        List<string> words = [.. ReadmeCommands.Words(command)];
        Assert.Equal(["dotnet", "run"], words.Take(2));
        words.RemoveAt(0);
        int separator = words.IndexOf("--");
        int config = words.IndexOf("-c");
        if (config >= 0 && (separator < 0 || config < separator))
        {
            words[config + 1] = Configuration;
        }
        else
        {
            words.InsertRange(1, ["-c", Configuration]);
        }

        if (!words.Contains("--no-build"))
        {
            words.Insert(1, "--no-build");
        }

        return words;
    }
}
