using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Commands;

namespace Tracker.BenchTool;

/// <summary>Dispatches a command line to its command, and turns usage errors into exit code 2.</summary>
public static class BenchCli
{
    public const string Help = """
        tracker-bench: the firmware's NMEA, report-policy and wire code, on the host.

          fixes  <log|-> [--policy FILE]            one JSON fix per line for every epoch with a valid fix
          report <log|-> [--policy FILE]            the fixes the report policy records (+ statistics on stderr)
          encode <log|-> [--batch N] [--policy FILE] wire batches, one hex line each (default 10 fixes a batch)
          decode <file|->                           hex batches back to JSON fixes
          stats  <log|-> [--batch N] [--json]       sentence counts, errors, fixes and wire bytes per fix
          replay <log|-> --to serial:<port> [--baud N] [--rate X] [--max-gap S]
                                                    stream the capture into a board's GNSS UART, epochs paced as captured
          replay <log|-> --to host [--policy FILE] [--batch N] [--car ID] [--config FILE]
                                                    run the core with a simulated link; print what would be published

        '-' reads standard input. Exit codes: 0 ok, 1 bad input data (decode) or a port that failed
        during a replay, 2 bad command line.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }

        string[] rest = args[1..];
        try
        {
            return args[0] switch
            {
                "fixes" => FixesCommand.Run(rest, stdout, stdin),
                "report" => ReportCommand.Run(rest, stdout, stderr, stdin),
                "encode" => EncodeCommand.Run(rest, stdout, stdin),
                "decode" => DecodeCommand.Run(rest, stdout, stderr, stdin),
                "stats" => StatsCommand.Run(rest, stdout, stdin),
                "replay" => ReplayCommand.Run(rest, stdout, stderr, stdin),
                _ => throw new UsageException($"unknown command '{args[0]}' (fixes, report, encode, decode, stats, replay)"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine("tracker-bench: " + e.Message);
            return 2;
        }
    }
}
