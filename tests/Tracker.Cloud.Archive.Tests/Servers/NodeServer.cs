using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tracker.Testing;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>
/// A node server script on 127.0.0.1 and a free port, for one test class: started, awaited until the
/// port accepts a connection (bounded), and killed with its process tree on dispose or at process exit.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private NodeServer(Process process, StringBuilder stderr, int port)
    {
        _process = process;
        _stderr = stderr;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts the npm <paramref name="package"/> with <paramref name="arguments"/> (in which <c>{port}</c> becomes the port) and waits for the port.</summary>
    /// <param name="package">The server (s3rver, dynalite), found by tests/Tracker.Testing.</param>
    /// <param name="workingDirectory">The package folder (cloud/s3rver).</param>
    /// <param name="arguments">The script's arguments.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <exception cref="InvalidOperationException">node or the server is missing (the message says what to install), or the server did not start in time.</exception>
    public static async Task<NodeServer> StartAsync(Part package, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        string node = PartCatalog.Current.Locate(Part.Node);
        string scriptPath = PartCatalog.Current.Locate(package);
        string script = System.IO.Path.GetFileName(scriptPath);

        int port = FreePort();
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(scriptPath);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var stderr = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        var server = new NodeServer(process, stderr, port);
        AppDomain.CurrentDomain.ProcessExit += server.KillOnExit;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Bounded wait for the port: a connect attempt every 50 ms, for at most 20 s, or until the process exits.
        long deadline = Environment.TickCount64 + (long)s_startTimeout.TotalMilliseconds;
        while (true)
        {
            if (process.HasExited || Environment.TickCount64 > deadline)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"{script} did not start on 127.0.0.1:{port} within {s_startTimeout.TotalSeconds} s: {server.Errors()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Kill();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    private string Errors()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
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
            // Already gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
