using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>
/// The built tracker-local executable run as a user runs it (its own process, its own console), with SIGINT restored
/// (a process started in the background by a non-interactive shell begins with SIGINT ignored, and so would the
/// host): waits for lines of its output (bounded), stops it with SIGINT as Ctrl+C does, or kills it with SIGKILL.
/// Killed on dispose, whatever happened.
/// </summary>
public sealed class LocalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private LocalProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The built host beside the test assembly (the same bits as cloud/Tracker.Cloud.Local's output).</summary>
    public static string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "tracker-local");

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

    /// <summary>Starts the host with <paramref name="arguments"/>, in <paramref name="workingDirectory"/>.</summary>
    public static LocalProcess Start(string workingDirectory, params string[] arguments) =>
        StartCommand(workingDirectory, File.Exists(Executable) ? Executable : "dotnet", File.Exists(Executable) ? arguments : [Path.ChangeExtension(Executable, ".dll"), .. arguments]);

    /// <summary>Starts any command (dotnet run, for one) the same way.</summary>
    public static LocalProcess StartCommand(string workingDirectory, string command, params string[] arguments)
    {
        // env --default-signal=INT (coreutils) puts SIGINT back to its default before exec, so .NET installs its Ctrl+C handler.
        bool restore = File.Exists("/usr/bin/env") && OperatingSystem.IsLinux();
        var start = new ProcessStartInfo(restore ? "/usr/bin/env" : command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (restore)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(command);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        var host = new LocalProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the output has a line containing <paramref name="text"/>, the process ends, or the time is up.</summary>
    /// <returns>True when the line came.</returns>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                await Task.Delay(200); // the last lines may still be on their way
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in its terminal would.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(5000);
    }

    /// <summary>SIGKILL: no clean stop, as a crash or a power cut of the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
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

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
