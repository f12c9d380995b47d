using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tracker.Testing;

/// <summary>What to start as a <see cref="NodeServer"/>.</summary>
public sealed record NodeServerOptions
{
    /// <summary>The server's script: an npm part (its entry, found by <see cref="PartCatalog"/>), or a path (<see cref="Script"/>).</summary>
    public Part? Package { get; init; }

    /// <summary>A script path, relative to <see cref="WorkingDirectory"/>, when <see cref="Package"/> is null.</summary>
    public string? Script { get; init; }

    /// <summary>The folder node runs in (the npm package's folder).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The script's arguments; <c>{port}</c> in any of them becomes the port.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The port, when the caller had to choose it beforehand; a free one otherwise.</summary>
    public int? Port { get; init; }

    /// <summary>Ready when a line of its standard output passes this test; when null, ready when the port accepts a connection.</summary>
    public Func<string, bool>? ReadyLine { get; init; }

    /// <summary>Stop by closing its standard input (and wait for it), rather than killing it at once.</summary>
    public bool StopsWhenInputCloses { get; init; }

    /// <summary>How long it may take to become ready: 30 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A node server for tests (dynalite, s3rver, the OpenID Connect provider): started on 127.0.0.1 and a free port,
/// awaited until ready (its port accepts, or it prints the line it is told to wait for; bounded), and stopped on dispose,
/// or at the test process's exit, with what it started. A missing node or package throws with the part's reason
/// (<see cref="PartCatalog.Locate"/>); fixtures check <see cref="PartCatalog.SkipReason"/> first, so outside CI the tests
/// that need it are skipped instead.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _stopsWhenInputCloses;

    private NodeServer(Process process, int port, bool stopsWhenInputCloses)
    {
        _process = process;
        Port = port;
        _stopsWhenInputCloses = stopsWhenInputCloses;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The line it was ready with (<see cref="NodeServerOptions.ReadyLine"/>), or null.</summary>
    public string? ReadyLine { get; private set; }

    /// <summary>What it printed so far (standard output and error), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server and waits until it is ready.</summary>
    /// <param name="options">What to start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">node or the package is missing (the message says what to install), or the server did not become ready in time.</exception>
    public static async Task<NodeServer> StartAsync(NodeServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string node = PartCatalog.Current.Locate(Part.Node);
        string script = options.Package is { } package ? PartCatalog.Current.Locate(package)
            : options.Script ?? throw new ArgumentException("a node server needs a Package or a Script", nameof(options));
        int port = options.Port ?? FreePort.OnLoopback();
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = options.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (string argument in options.Arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        foreach ((string key, string value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new NodeServer(process, port, options.StopsWhenInputCloses);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            server.Remember(e.Data);
            if (e.Data is { } line && options.ReadyLine?.Invoke(line) == true)
            {
                ready.TrySetResult(line);
            }
        };
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.Start();
        AppDomain.CurrentDomain.ProcessExit += server.KillOnExit;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool started;
        if (options.ReadyLine is null)
        {
            started = await Poll.UntilAsync(async () => process.HasExited || await LoopbackProbe.AcceptsAsync(port).ConfigureAwait(false), options.StartTimeout, TimeSpan.FromMilliseconds(50)).ConfigureAwait(false)
                && !process.HasExited;
        }
        else
        {
            Task first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(options.StartTimeout)).ConfigureAwait(false);
            started = first == ready.Task;
            server.ReadyLine = started ? await ready.Task.ConfigureAwait(false) : null;
        }

        if (!started)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{Path.GetFileName(script)} did not start on 127.0.0.1:{port} within {options.StartTimeout.TotalSeconds} s:\n{server.Output}");
        }

        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(_stopsWhenInputCloses ? 10 : 5));
        try
        {
            if (_stopsWhenInputCloses && !_process.HasExited)
            {
                _process.StandardInput.Close();
            }
            else
            {
                Kill();
            }

            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone, or never started.
        }
    }
}
