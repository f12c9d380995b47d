using System.Diagnostics;
using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// tracker-local run as its own process, as a user runs it, so that its memory and CPU are its own and not the load's.
/// It is started with SIGINT restored (a background process of a non-interactive shell begins with it ignored) and in
/// its own process group, stopped with SIGINT as Ctrl+C does, and killed, with what it started, if it does not stop.
/// Only the last lines of its output are kept, for the error message when it fails.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    /// <summary>The host's process id (for /proc).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of its output.</summary>
    public string Tail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The tracker-local built beside this tool (the project references it, so its output carries it).</summary>
    /// <returns>The apphost, or the .dll where there is none.</returns>
    public static string BuiltBeside()
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "tracker-local");
        return File.Exists(apphost) ? apphost : Path.ChangeExtension(apphost, ".dll");
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/>; returns once it runs (not once it is ready).</summary>
    /// <param name="executable">The apphost, or a .dll run with <c>dotnet</c>.</param>
    /// <param name="arguments">Its options.</param>
    /// <returns>The process.</returns>
    public static HostProcess Start(string executable, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(executable);
        ArgumentNullException.ThrowIfNull(arguments);
        List<string> command = executable.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", executable] : [executable];

        // setsid: a process group of its own (SIGINT reaches the host alone, not this tool); env --default-signal=INT:
        // SIGINT back to its default before exec, so .NET installs its Ctrl+C handler. Each execs the next.
        bool restore = OperatingSystem.IsLinux() && File.Exists("/usr/bin/env") && File.Exists("/usr/bin/setsid");
        if (restore)
        {
            command.InsertRange(0, ["/usr/bin/setsid", "/usr/bin/env", "--default-signal=INT"]);
        }

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the host's "ready" line.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>True when it said it is ready; false when it ended or the time ran out.</returns>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        return first == _ready.Task;
    }

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
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        await SignalAsync("-CONT").ConfigureAwait(false); // a paused host cannot stop
        await SignalAsync("-INT").ConfigureAwait(false);

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("tracker-local: ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }
    }
}
