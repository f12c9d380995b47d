using System.Diagnostics;
using System.Globalization;

namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>
/// A published <c>bootstrap</c> started as Lambda starts it: its own process, in the package folder, with
/// an environment made from scratch (only the variables Lambda sets for a custom runtime, plus the
/// function's own), pointed at a <see cref="LocalRuntimeApi"/>. Standard output and error are collected
/// line by line; dispose kills the process if it is still running.
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private BootstrapProcess(Process process, long startedTicks)
    {
        _process = process;
        StartedTicks = startedTicks;
    }

    /// <summary>When the process was started (<see cref="Stopwatch"/> ticks).</summary>
    public long StartedTicks { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Completes when the process exits.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>The exit code (after <see cref="WaitForExitAsync"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output so far, a line each.</summary>
    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>
    /// The variables Lambda sets for every custom-runtime function (Lambda developer guide, "Defined runtime
    /// environment variables"), with local values; the caller adds the function's own and may override these.
    /// </summary>
    /// <param name="package">The package folder (<c>LAMBDA_TASK_ROOT</c>).</param>
    /// <param name="runtimeApi">The <see cref="LocalRuntimeApi.Endpoint"/>.</param>
    /// <param name="handler">The function's handler (<c>_HANDLER</c>).</param>
    /// <returns>The variables.</returns>
    public static Dictionary<string, string> LambdaEnvironment(string package, string runtimeApi, string handler) => new(StringComparer.Ordinal)
    {
        ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
        ["_HANDLER"] = handler,
        ["LAMBDA_TASK_ROOT"] = package,
        ["LAMBDA_RUNTIME_DIR"] = package,
        ["AWS_LAMBDA_FUNCTION_NAME"] = "tracker-local-" + handler,
        ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
        ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/tracker-local-" + handler,
        ["AWS_LAMBDA_LOG_STREAM_NAME"] = "local",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        ["AWS_SESSION_TOKEN"] = "local",
        ["TZ"] = ":UTC",
        ["LANG"] = "en_US.UTF-8",
        ["PATH"] = "/usr/local/bin:/usr/bin/:/bin",
    };

    /// <summary>Starts <c>bootstrap</c> from <paramref name="package"/>.</summary>
    /// <param name="package">The published folder.</param>
    /// <param name="environment">The whole environment (see <see cref="LambdaEnvironment"/>).</param>
    /// <param name="launcher">
    /// A program and its arguments to start the bootstrap with, for a package of another architecture
    /// (<c>qemu-aarch64 -L /usr/aarch64-linux-gnu</c> for Lambda's arm64 package on an x64 machine); null to start it directly.
    /// </param>
    /// <returns>The running process.</returns>
    /// <exception cref="FileNotFoundException">The folder holds no <c>bootstrap</c>.</exception>
    public static BootstrapProcess Start(string package, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? launcher = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string executable = Path.Combine(package, "bootstrap");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"{package} holds no bootstrap: publish cloud/Tracker.Cloud.Lambda.Runtime there first", executable);
        }

        var start = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : executable)
        {
            WorkingDirectory = package,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (string argument in launcher.Skip(1).Append(executable))
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.Environment.Clear();
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        long started = Stopwatch.GetTimestamp();
        process.Start();
        var bootstrap = new BootstrapProcess(process, started);
        process.OutputDataReceived += (_, e) => bootstrap.Add(bootstrap._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => bootstrap.Add(bootstrap._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return bootstrap;
    }

    /// <summary>Waits for the process to exit, killing it if it has not within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The bound.</param>
    /// <returns>True when it exited by itself.</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>A one-line account of the process for failure messages.</summary>
    /// <returns>Its state, its standard error and its last output lines.</returns>
    public string Describe() =>
        (HasExited ? "exited " + ExitCode.ToString(CultureInfo.InvariantCulture) : "running")
        + "; stderr: " + StandardError + "; stdout: " + string.Join(" | ", StandardOutput.TakeLast(10));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }
}
