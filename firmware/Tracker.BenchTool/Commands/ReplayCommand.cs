using System.Globalization;
using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Replay;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>replay &lt;log|-&gt; --to serial:&lt;port&gt; [--baud N] [--rate X] [--max-gap S]</c> streams a capture into a
/// board's GNSS UART with the original time between epochs, scaled; <c>replay &lt;log|-&gt; --to host
/// [--policy FILE] [--batch N] [--car ID] [--config FILE]</c> runs the shared core with a simulated link that acknowledges
/// everything and prints what would be published.
/// </summary>
public static class ReplayCommand
{
    public const string Usage = "tracker-bench replay <log|-> --to serial:<port> [--baud N] [--rate X] [--max-gap S] | --to host [--policy FILE] [--batch N] [--car ID] [--config FILE]";

    /// <summary>Default longest gap between epochs waited out in full, in seconds of capture time.</summary>
    public const int DefaultMaxGapS = 10;

    private static readonly string[] SerialOptions = ["baud", "rate", "max-gap"];
    private static readonly string[] HostOptions = ["policy", "batch", "car", "config"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, ["to", .. SerialOptions, .. HostOptions], []);
        a.ExpectPositionals(1, Usage);
        string to = a.Value("to") ?? throw new UsageException("replay needs a target: --to serial:<port> or --to host");
        if (to == "host")
        {
            Reject(a, SerialOptions, "--to host");
            return HostReplayCommand.Run(a, stdout, stdin);
        }

        if (!to.StartsWith("serial:", StringComparison.Ordinal))
        {
            throw new UsageException($"--to must be serial:<port> or host, not '{to}'");
        }

        string port = to["serial:".Length..];
        if (port.Length == 0)
        {
            throw new UsageException("--to serial: needs a port, e.g. --to serial:/dev/ttyUSB0");
        }

        Reject(a, HostOptions, "--to serial:<port>");
        int baud = Baud(a.Value("baud"));
        double rate = Rate(a.Value("rate"));
        int maxGapS = a.Int("max-gap", DefaultMaxGapS, 1, 86_400);

        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        using SerialTarget target = SerialTarget.Open(port, baud);
        var inv = CultureInfo.InvariantCulture;
        stderr.WriteLine(string.Create(inv, $"replaying {a.Positionals[0]} into {port} at {baud} baud, {(rate == 0 ? "as fast as the port allows" : $"rate {rate:G}")}"));
        var pacer = new ReplayPacer(new StopwatchClock(), rate, TimeSpan.FromSeconds(maxGapS));
        ReplayStats s;
        try
        {
            s = pacer.Run(CaptureBursts.Read(input), target.Stream);
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"tracker-bench: replay into {port} failed: {e.Message}");
            return 1;
        }

        stdout.WriteLine(string.Create(inv, $"sent {s.Bytes} bytes, {s.Lines} lines, {s.Epochs} epochs in {s.Elapsed.TotalSeconds:F1} s (capture {s.CaptureSpan.TotalSeconds:F0} s)"));
        stdout.WriteLine(string.Create(inv, $"lines without a time, sent with their epoch: {s.UntimedLines}; gaps over {maxGapS} s shortened: {s.CappedGaps}; backward time steps: {s.BackwardSteps}; most behind schedule: {s.MaxLag.TotalMilliseconds:F0} ms"));
        return 0;
    }

    /// <summary>The baud rate: one a UART driver accepts, 9600 (a GNSS receiver's default) when absent.</summary>
    public static int Baud(string? text)
    {
        if (text is null)
        {
            return 9600;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int baud) || !SerialTarget.StandardBauds.Contains(baud))
        {
            throw new UsageException($"--baud must be one of {string.Join(", ", SerialTarget.StandardBauds)}, not '{text}'");
        }

        return baud;
    }

    /// <summary>The speed-up: a number above 0 (2 = twice as fast), or 0 or "max" for no waiting; 1 when absent.</summary>
    public static double Rate(string? text)
    {
        if (text is null)
        {
            return 1;
        }

        if (text == "max")
        {
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rate) || !double.IsFinite(rate) || rate > 10_000)
        {
            throw new UsageException($"--rate must be a number from 0 to 10000 (2 = twice as fast; 0 or 'max' = as fast as the port allows), not '{text}'");
        }

        return rate;
    }

    private static void Reject(Arguments a, string[] options, string target)
    {
        foreach (string o in options)
        {
            if (a.Has(o))
            {
                throw new UsageException($"--{o} does not apply to {target}");
            }
        }
    }
}
