using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Lambda.Cli;

/// <summary>
/// <c>tracker-lambda &lt;ingest|api&gt; &lt;event.json&gt; [--store sqlite:&lt;path&gt;] [--now &lt;time&gt;] [--rental car,renter,from,to]...</c>
/// </summary>
public static class LambdaCli
{
    /// <summary>The handler returned a response.</summary>
    public const int Ok = 0;

    /// <summary>The handler threw: an invalid event, or a storage failure.</summary>
    public const int HandlerFailed = 1;

    /// <summary>Bad command line, or the event file cannot be read.</summary>
    public const int Usage = 2;

    private const string UsageText = """
        usage: tracker-lambda <ingest|api> <event.json> [--store sqlite:<path>] [--now <time>] [--rental <car>,<renter>,<from>,<to>]...
          ingest    run the ingest handler on an IoT topic-rule event
          api       run the API handler on an API Gateway HTTP API (payload 2.0) event
          --store   the SQLite database to use (created when absent); default: a throw-away file
          --now     the handlers' clock: UTC epoch ms or ISO-8601 with offset; default: the system clock
          --rental  add a rental before running (times as for --now); repeat for more
        exit codes: 0 handler returned, 1 handler threw, 2 bad arguments or unreadable file
        """;

    /// <summary>Runs the CLI.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Where the handler's response goes.</param>
    /// <param name="stderr">Where errors and notes go.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!TryParse(args, out Options? options, out string error))
        {
            await stderr.WriteLineAsync("tracker-lambda: " + error).ConfigureAwait(false);
            await stderr.WriteLineAsync(UsageText).ConfigureAwait(false);
            return Usage;
        }

        byte[] eventBytes;
        try
        {
            eventBytes = await File.ReadAllBytesAsync(options!.EventFile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("tracker-lambda: cannot read event file '" + options!.EventFile + "': " + e.Message).ConfigureAwait(false);
            return Usage;
        }

        string? temporary = null;
        string storePath = options.StorePath ?? (temporary = Path.Combine(Path.GetTempPath(), "tracker-lambda-" + Guid.NewGuid().ToString("N") + ".db"));
        if (temporary is not null)
        {
            await stderr.WriteLineAsync("tracker-lambda: using a throw-away store; pass --store sqlite:<path> to keep the data").ConfigureAwait(false);
        }

        try
        {
            TimeProvider clock = options.Now is long nowMs ? new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(nowMs)) : TimeProvider.System;
            SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = storePath, Clock = clock }, cancellationToken).ConfigureAwait(false);
            foreach (Rental rental in options.Rentals)
            {
                await store.PutAsync(rental, cancellationToken).ConfigureAwait(false);
            }

            using MemoryStream input = new(eventBytes);
            Stream output;
            try
            {
                output = options.Handler == "ingest"
                    ? await new IngestHandler(new IngestService(store, CarRules.Default.Ingest, clock), clock, stderr).HandleAsync(input, cancellationToken).ConfigureAwait(false)
                    : await new ApiHandler(new QueryService(store, new AccessPolicy(store, clock)), clock, CarRules.Default).HandleAsync(input, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidEventException e)
            {
                await stderr.WriteLineAsync("tracker-lambda: invalid event in '" + options.EventFile + "': " + e.Message).ConfigureAwait(false);
                return HandlerFailed;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // What Lambda would record: the handler threw, so the invocation fails (and is retried).
                await stderr.WriteLineAsync("tracker-lambda: the handler threw " + e.GetType().Name + ": " + e.Message).ConfigureAwait(false);
                return HandlerFailed;
            }

            using StreamReader reader = new(output);
            await stdout.WriteLineAsync(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return Ok;
        }
        finally
        {
            if (temporary is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (string suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(temporary + suffix);
                }
            }
        }
    }

    private static bool TryParse(string[] args, out Options? options, out string error)
    {
        options = null;
        List<string> positional = [];
        string? store = null;
        long? now = null;
        List<Rental> rentals = [];
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                error = "help";
                return false;
            }

            if (arg is "--store" or "--now" or "--rental")
            {
                if (i + 1 >= args.Length)
                {
                    error = arg + " needs a value";
                    return false;
                }

                string value = args[++i];
                switch (arg)
                {
                    case "--store":
                        if (!value.StartsWith("sqlite:", StringComparison.Ordinal) || value.Length == "sqlite:".Length)
                        {
                            error = "--store must be sqlite:<path>; got '" + value + "'";
                            return false;
                        }

                        store = value["sqlite:".Length..];
                        break;
                    case "--now":
                        if (!TimeParameter.TryParse("--now", value, out long ms, out string why))
                        {
                            error = why;
                            return false;
                        }

                        now = ms;
                        break;
                    default:
                        if (!TryParseRental(value, out Rental? rental, out error))
                        {
                            return false;
                        }

                        rentals.Add(rental!);
                        break;
                }

                continue;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = "unknown option " + arg;
                return false;
            }

            positional.Add(arg);
        }

        if (positional.Count != 2)
        {
            error = "expected a handler and an event file";
            return false;
        }

        if (positional[0] is not ("ingest" or "api"))
        {
            error = "unknown handler '" + positional[0] + "': use ingest or api";
            return false;
        }

        options = new Options(positional[0], positional[1], store, now, rentals);
        error = string.Empty;
        return true;
    }

    private static bool TryParseRental(string value, out Rental? rental, out string error)
    {
        rental = null;
        string[] parts = value.Split(',');
        if (parts.Length != 4 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            error = "--rental must be <car>,<renter>,<from>,<to>; got '" + value + "'";
            return false;
        }

        if (!TimeParameter.TryParse("--rental from", parts[2], out long from, out error)
            || !TimeParameter.TryParse("--rental to", parts[3], out long to, out error))
        {
            return false;
        }

        if (from >= to)
        {
            error = "--rental: from must be before to";
            return false;
        }

        rental = new Rental(parts[0], parts[1], from, to);
        error = string.Empty;
        return true;
    }

    private sealed record Options(string Handler, string EventFile, string? StorePath, long? Now, IReadOnlyList<Rental> Rentals);
}
