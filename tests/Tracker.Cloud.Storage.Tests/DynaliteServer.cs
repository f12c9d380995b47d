using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// dynalite (npm, cloud/dynalite) on 127.0.0.1 and a free port, in memory, for one test class: started
/// with node, awaited until it announces it listens (bounded), and always killed with its process tree.
/// When node_modules is absent the DynamoDB tests skip with the reason, except under CI=true, where they
/// fail so that a missing install step cannot pass unnoticed.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;

    /// <summary>cloud/dynalite of the clone the tests were built from.</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>dynalite's CLI script; present after <c>npm ci --prefix cloud/dynalite</c>.</summary>
    public static string CliPath => Path.Combine(Directory, "node_modules", "dynalite", "cli.js");

    /// <summary>Why the DynamoDB tests skip, or null when they run (installed, or CI=true: then a missing install fails).</summary>
    public static string? SkipReason { get; } =
        File.Exists(CliPath) || IsCi ? null : $"dynalite is not installed ({CliPath} absent): run npm ci in cloud/dynalite. Skipped.";

    /// <summary>The endpoint, http://127.0.0.1:port.</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A client for this server (dummy credentials: dynalite checks their shape only).</summary>
    public AmazonDynamoDBClient CreateClient() => new DynamoDbTestClient(ServiceUrl, 0);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!File.Exists(CliPath))
        {
            throw new InvalidOperationException($"dynalite is missing ({CliPath}): run npm ci in cloud/dynalite");
        }

        int port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { CliPath, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
            {
                listening.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        _process.Start();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(listening.Task, exited, Task.Delay(s_startTimeout)).ConfigureAwait(false);
        if (first != listening.Task)
        {
            await DisposeAsync().ConfigureAwait(false);
            string errors;
            lock (stderr)
            {
                errors = stderr.ToString();
            }

            throw new InvalidOperationException($"dynalite did not start on port {port} within {s_startTimeout.TotalSeconds} s: {errors}");
        }

        ServiceUrl = new Uri($"http://127.0.0.1:{port}");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (_process is null)
        {
            return;
        }

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
        _process = null;
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false })
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

    private static string FindDirectory()
    {
        foreach (var meta in typeof(DynaliteServer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
        {
            if (meta is System.Reflection.AssemblyMetadataAttribute { Key: "TrackerDynaliteDir", Value: { Length: > 0 } built })
            {
                return built;
            }
        }

        throw new InvalidOperationException("The test assembly lacks its TrackerDynaliteDir metadata.");
    }
}

/// <summary>
/// A DynamoDB client for dynalite that can pretend to be throttled: its first
/// <c>unprocessedWrites</c> BatchWriteItem calls write nothing and return every item as unprocessed,
/// as DynamoDB does under throttling (BatchWriteItem, "UnprocessedItems").
/// </summary>
public sealed class DynamoDbTestClient(Uri serviceUrl, int unprocessedWrites)
    : AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = serviceUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 })
{
    private int _unprocessedLeft = unprocessedWrites;

    /// <summary>BatchWriteItem calls made.</summary>
    public int BatchWriteCalls { get; private set; }

    /// <summary>Requests sent per call, in order.</summary>
    public List<int> BatchWriteSizes { get; } = [];

    /// <inheritdoc />
    public override Task<Amazon.DynamoDBv2.Model.BatchWriteItemResponse> BatchWriteItemAsync(Amazon.DynamoDBv2.Model.BatchWriteItemRequest request, CancellationToken cancellationToken = default)
    {
        BatchWriteCalls++;
        BatchWriteSizes.Add(request.RequestItems.Values.Sum(r => r.Count));
        if (_unprocessedLeft != 0)
        {
            if (_unprocessedLeft > 0)
            {
                _unprocessedLeft--;
            }

            return Task.FromResult(new Amazon.DynamoDBv2.Model.BatchWriteItemResponse { UnprocessedItems = request.RequestItems });
        }

        return base.BatchWriteItemAsync(request, cancellationToken);
    }
}
