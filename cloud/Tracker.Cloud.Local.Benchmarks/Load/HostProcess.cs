using System.Diagnostics;
using System.Globalization;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// tracker-local run as its own process, as a user runs it (<see cref="TestProcess"/>: SIGINT restored, its own process
/// group), so that its memory and CPU are its own and not the load's. Stopped with SIGINT as Ctrl+C does, frozen and
/// let go with SIGSTOP and SIGCONT, and killed, with what it started, if it does not stop.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private const string ReadyLine = "tracker-local: ready";
    private readonly TestProcess _process;

    private HostProcess(TestProcess process) => _process = process;

    /// <summary>The host's process id (for /proc).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of its output, for the message when it fails.</summary>
    public string Tail => string.Join('\n', _process.Output.Split('\n').TakeLast(200));

    /// <summary>
    /// The host's ingest counters as it printed them once stopped (<see cref="Observability.HostMetrics.StopLine"/>), writes
    /// during the stop included, on the page of <paramref name="lastRead"/> (its last /metrics before the stop); that page as
    /// it was when the host printed no such line.
    /// </summary>
    /// <param name="lastRead">The last page read from this host.</param>
    /// <returns>The page with the final counts.</returns>
    public HostMetricsText FinalCounts(HostMetricsText lastRead)
    {
        ArgumentNullException.ThrowIfNull(lastRead);
        return Observability.HostMetrics.TryReadStopLine(_process.Output, out long fixes, out long messages)
            ? lastRead.With("tracker_ingest_fixes_total", fixes).With("tracker_ingest_messages_total", messages)
            : lastRead;
    }

    /// <summary>The host's own line on how long each phase of its stop took (LocalFleetHost.StopAsync), once it has stopped.</summary>
    public string? StopPhases => string.Join("\n  ", _process.Output.Split('\n').Where(l => l.Contains("Host stopped: ", StringComparison.Ordinal) || l.Contains("Derive stopped: ", StringComparison.Ordinal)).TakeLast(2).Select(l => l.Trim())) is { Length: > 0 } lines ? lines : null;

    /// <summary>The tracker-local built beside this tool (the project references it, so its output carries it).</summary>
    /// <returns>The apphost, or the .dll where there is none.</returns>
    public static string BuiltBeside()
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "tracker-local");
        return File.Exists(apphost) ? apphost : Path.ChangeExtension(apphost, ".dll");
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> in the current folder; returns once it runs (not once it is ready).</summary>
    /// <param name="executable">The apphost, or a .dll run with <c>dotnet</c>.</param>
    /// <param name="arguments">Its options.</param>
    /// <returns>The process.</returns>
    public static HostProcess Start(string executable, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(executable);
        ArgumentNullException.ThrowIfNull(arguments);
        bool dll = executable.EndsWith(".dll", StringComparison.Ordinal);
        string[] words = dll ? [executable, .. arguments] : [.. arguments];
        return new HostProcess(TestProcess.Start(Environment.CurrentDirectory, dll ? "dotnet" : executable, words));
    }

    /// <summary>Waits for the host's "ready" line.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>True when it said it is ready; false when it ended or the time ran out.</returns>
    public Task<bool> WaitReadyAsync(TimeSpan timeout) => _process.WaitForAsync(ReadyLine, timeout);

    /// <summary>Freezes the host (SIGSTOP) as an overloaded machine would: it reads, stores and acknowledges nothing until <see cref="ResumeAsync"/>.</summary>
    /// <returns>A task.</returns>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused host run again (SIGCONT).</summary>
    /// <returns>A task.</returns>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Stops the host as Ctrl+C does and waits for it; kills it when it has not stopped in <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The longest wait for a clean stop.</param>
    /// <returns>Its exit code, or null when it had to be killed.</returns>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        await SignalAsync("-CONT").ConfigureAwait(false); // a paused host cannot stop
        if (!_process.HasExited)
        {
            _process.Interrupt();
        }

        int? code = await _process.WaitForExitAsync(timeout).ConfigureAwait(false);
        if (code is null)
        {
            _process.KillHard();
        }

        return code;
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    private async Task SignalAsync(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        string id = _process.Id.ToString(CultureInfo.InvariantCulture);
        using Process kill = Process.Start(new ProcessStartInfo("kill", [signal, "--", id]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }
}
