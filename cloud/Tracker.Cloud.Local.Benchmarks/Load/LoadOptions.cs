using System.Globalization;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Reporting;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// What a load run does (<c>tracker-local-benchmark --host-process</c>): how many cars, for how long, with which live
/// period and report policy, against which host executable. Immutable, read once from the command line and validated
/// there; a bad value fails the run before anything starts, with a message that names the option.
/// </summary>
public sealed record LoadOptions
{
    /// <summary>The most cars one run simulates (the goal is 10,000; the rest is headroom).</summary>
    public const int MaxCars = 20_000;

    /// <summary>The option that selects this mode.</summary>
    public const string ModeFlag = "--host-process";

    /// <summary>Simulated cars, each with its own certificate and mutual-TLS connection.</summary>
    public int Cars { get; init; } = 1000;

    /// <summary>How long the figures are measured, after <see cref="Warmup"/>.</summary>
    public TimeSpan Measured { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long the fleet runs before measuring starts (after every car has connected, or the storm timed out).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The cars' publish period while moving (the device default is 5 s).</summary>
    public TimeSpan LivePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>live</c>, <c>device</c> or a policy file (<see cref="FleetPolicies"/>).</summary>
    public string ReportPolicy { get; init; } = "live";

    /// <summary>The report policy <see cref="ReportPolicy"/> names, loaded by <see cref="Parse"/>.</summary>
    public ReportConfig Policy { get; init; } = LoadPolicy("live");

    /// <summary>Longest wait for every car to connect before measuring anyway (the connect storm).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Longest wait, at the end, for the cars to empty their logs before the count.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The route generator's seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Open the operator's fleet view in Chromium and time publish to browser.</summary>
    public bool Browser { get; init; }

    /// <summary>The tracker-local executable (apphost or .dll); null for the one built beside this tool.</summary>
    public string? HostExecutable { get; init; }

    /// <summary>The host's pending-connection cap (<c>--max-pending-connections</c>); null for its default.</summary>
    public int? MaxPendingConnections { get; init; }

    /// <summary>
    /// How long to freeze the host (SIGSTOP) at the start of the measured window, then let it go (SIGCONT): past
    /// saturation and back. The cars must hold their fixes in their logs while no PUBACK comes, and lose none. Zero for none.
    /// </summary>
    public TimeSpan PauseHost { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Stop the host as Ctrl+C does at the start of the measured window and start it again on the same data: the
    /// reconnect storm after a restart. Every car must get back in, and the account at the end must still close.
    /// </summary>
    public bool RestartHost { get; init; }

    /// <summary>Over how long the cars' first connections are spread; null for the fleet's own (10 ms a car, at most 10 s). Zero: all at once.</summary>
    public TimeSpan? StartSpread { get; init; }

    /// <summary>The most connect threads <see cref="ConnectConcurrency"/> may ask for.</summary>
    public const int MaxConnectConcurrency = 1000;

    /// <summary>
    /// How many cars may be connecting at once, each on a connect thread of the fleet's (<c>--connect-concurrency</c>), so
    /// that a storm measures the host's accept rate and not the fleet's pace; null for the fleet's own (its stepping
    /// threads, at most 8, connect one car at a time each).
    /// </summary>
    public int? ConnectConcurrency { get; init; }

    /// <summary>
    /// The webhook latency run: the host gets this fleet overspeed threshold (km/h, 10 to 300), an operator subscribes a
    /// webhook in this process to overspeed, and the run reports publish-to-webhook latency and every event's delivery.
    /// Null for none.
    /// </summary>
    public int? WebhookOverspeedKmh { get; init; }

    /// <summary>
    /// The saturation sweep (<c>--sweep</c>): the fleet grows by <see cref="SweepStepOrDefault"/> cars a step up to <see cref="Cars"/>,
    /// each step measured for <see cref="Measured"/> after <see cref="Warmup"/>, until the host falls behind
    /// (<see cref="SweepStep.Judge"/>); the report gives the highest rate it sustained.
    /// </summary>
    public bool Sweep { get; init; }

    /// <summary>Cars added at each step of the sweep; null for a tenth of <see cref="Cars"/> (at least 1).</summary>
    public int? SweepStepCars { get; init; }

    /// <summary>Cars added at each step of the sweep, <see cref="SweepStepCars"/> or its default.</summary>
    public int SweepStepOrDefault => SweepStepCars ?? Math.Max(1, Cars / 10);

    /// <summary>Reads the options after <see cref="ModeFlag"/>.</summary>
    /// <param name="args">The command line (the mode flag itself is skipped).</param>
    /// <returns>The options.</returns>
    /// <exception cref="LocalOptionsException">An unknown option, a missing value or a value out of range; the message names it.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LoadOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == ModeFlag)
            {
                continue;
            }

            if (name == "--browser")
            {
                options = options with { Browser = true };
                continue;
            }

            if (name == "--restart-host")
            {
                options = options with { RestartHost = true };
                continue;
            }

            if (name == "--sweep")
            {
                options = options with { Sweep = true };
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new LocalOptionsException(Clip(name), "is not an option; options start with --");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new LocalOptionsException(name, "needs a value");
            }

            string value = args[++i];
            options = name switch
            {
                "--cars" => options with { Cars = Whole(name, value, 1, MaxCars) },
                "--seconds" => options with { Measured = TimeSpan.FromSeconds(Whole(name, value, 1, 86_400)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Whole(name, value, 0, 86_400)) },
                "--live-period" => options with { LivePeriod = Period(name, value, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)) },
                "--report-policy" => options with { ReportPolicy = value, Policy = LoadPolicy(value) },
                "--connect-timeout" => options with { ConnectTimeout = Period(name, value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) },
                "--drain-timeout" => options with { DrainTimeout = Period(name, value, TimeSpan.Zero, TimeSpan.FromHours(1)) },
                "--seed" => options with { Seed = Whole(name, value, 0, int.MaxValue) },
                "--host-exe" => options with { HostExecutable = File.Exists(value) ? Path.GetFullPath(value) : throw new LocalOptionsException(name, "must name the tracker-local executable or tracker-local.dll; there is no file '" + Clip(value) + "'") },
                "--max-pending-connections" => options with { MaxPendingConnections = Whole(name, value, 1, 100_000) },
                "--start-spread" => options with { StartSpread = Period(name, value, TimeSpan.Zero, TimeSpan.FromHours(1)) },
                "--pause-host" => options with { PauseHost = Period(name, value, TimeSpan.Zero, TimeSpan.FromMinutes(10)) },
                "--webhook-overspeed" => options with { WebhookOverspeedKmh = Whole(name, value, 10, 300) },
                "--sweep-step" => options with { SweepStepCars = Whole(name, value, 1, MaxCars) },
                "--connect-concurrency" => options with { ConnectConcurrency = Whole(name, value, 1, MaxConnectConcurrency) },
                _ => throw new LocalOptionsException(Clip(name), "is not an option of " + ModeFlag + "; the options are --cars, --seconds, --warmup, --live-period, --report-policy, --connect-timeout, --drain-timeout, --seed, --browser, --host-exe, --max-pending-connections, --start-spread, --pause-host, --restart-host, --webhook-overspeed, --sweep, --sweep-step and --connect-concurrency"),
            };
        }

        if (options.PauseHost >= options.Measured)
        {
            throw new LocalOptionsException("--pause-host", "must be shorter than the measured window (--seconds " + options.Measured.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "): the host is frozen inside it and must have time to catch up");
        }

        if (options.RestartHost && options.PauseHost > TimeSpan.Zero)
        {
            throw new LocalOptionsException("--restart-host", "cannot be combined with --pause-host: each starts the measured window with its own fault; run them apart");
        }

        if (options.SweepStepCars is not null && !options.Sweep)
        {
            throw new LocalOptionsException("--sweep-step", "goes with --sweep");
        }

        if (options.Sweep)
        {
            string? other = options.PauseHost > TimeSpan.Zero ? "--pause-host" : options.RestartHost ? "--restart-host" : options.WebhookOverspeedKmh is not null ? "--webhook-overspeed" : options.Browser ? "--browser" : null;
            if (other is not null)
            {
                throw new LocalOptionsException("--sweep", "cannot be combined with " + other + ": the sweep measures the host's rate alone; run them apart");
            }

            if (options.SweepStepOrDefault > options.Cars)
            {
                throw new LocalOptionsException("--sweep-step", "must be at most --cars (" + options.Cars.ToString(CultureInfo.InvariantCulture) + "), the size the sweep grows to");
            }
        }

        return options;
    }

    private static int Whole(string name, string text, int min, int max) =>
        text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new LocalOptionsException(name, "must be a whole number from " + min.ToString("N0", CultureInfo.InvariantCulture) + " to " + max.ToString("N0", CultureInfo.InvariantCulture) + ", not '" + Clip(text) + "'");

    private static TimeSpan Period(string name, string text, TimeSpan min, TimeSpan max)
    {
        TimeSpan period = LocalCommandLine.ParseDuration(name, text);
        return period >= min && period <= max
            ? period
            : throw new LocalOptionsException(name, "must be from " + min + " to " + max + ", not '" + Clip(text) + "'");
    }

    private static ReportConfig LoadPolicy(string text) =>
        FleetPolicies.TryLoad(text, out ReportConfig? config, out string error) ? config! : throw new LocalOptionsException("--report-policy", error);

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
