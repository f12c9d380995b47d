using System.Diagnostics;
using System.Text;

namespace Tracker.Testing;

/// <summary>
/// A program run as a user runs it (its own process, its own console), with SIGINT restored (a process started in
/// the background by a non-interactive shell begins with SIGINT ignored, and so would the program): waits for lines
/// of its output (bounded), stops it with SIGINT as Ctrl+C does, or kills it with SIGKILL. Killed, with what it
/// started, on dispose, whatever happened.
/// </summary>
public sealed class TestProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly bool _ownGroup;

    private TestProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
    }

    /// <summary>Standard output and standard error so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="command"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="workingDirectory">The folder it runs in.</param>
    /// <param name="command">The program (a path, or a name on PATH).</param>
    /// <param name="arguments">Its arguments, one each (no shell).</param>
    /// <returns>The running process.</returns>
    public static TestProcess Start(string workingDirectory, string command, params string[] arguments)
    {
        // setsid (util-linux) gives the program a process group of its own, as a terminal does, so that Interrupt reaches
        // it and what it starts (dotnet run's child); env --default-signal=INT (coreutils) puts SIGINT back to its
        // default before exec, so .NET installs its Ctrl+C handler. Each execs the next: the pid is the program's.
        bool restore = OperatingSystem.IsLinux() && File.Exists("/usr/bin/env") && File.Exists("/usr/bin/setsid");
        var start = new ProcessStartInfo(restore ? "/usr/bin/setsid" : command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (restore)
        {
            start.ArgumentList.Add("/usr/bin/env");
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(command);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        var started = new TestProcess(process, restore);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until the output has a line containing <paramref name="text"/>, the process ends, or the time is up.</summary>
    /// <returns>True when the line came.</returns>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        bool seen = await Poll.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal) || _process.HasExited, timeout, TimeSpan.FromMilliseconds(100));
        if (seen && _process.HasExited)
        {
            await Task.Delay(200); // the last lines may still be on their way
        }

        return Output.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>Sends SIGINT, as Ctrl+C in its terminal would: to its process group (the program and what it started).</summary>
    public void Interrupt()
    {
        string id = _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", "--", _ownGroup ? "-" + id : id]) { UseShellExecute = false })!;
        kill.WaitForExit(5000);
    }

    /// <summary>SIGKILL: no clean stop, as a crash or a power cut of the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>Runs a command to its end (bounded): its exit code (null when it ran out of time and was killed) and output.</summary>
    /// <param name="workingDirectory">The folder it runs in.</param>
    /// <param name="timeout">The longest it may take.</param>
    /// <param name="command">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>Exit code and output.</returns>
    public static async Task<(int? ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, string command, params string[] arguments)
    {
        using TestProcess process = Start(workingDirectory, command, arguments);
        int? code = await process.WaitForExitAsync(timeout);
        return (code, process.Output);
    }

    /// <summary>Waits for the exit (bounded) and gives its code, or null when it did not exit in time.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
