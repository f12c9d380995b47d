using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Tracker.Testing;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// dynalite (npm, cloud/dynalite) on 127.0.0.1 and a free port, in memory, for one test class: started
/// with node, awaited until it announces it listens (bounded), and always killed with its process tree.
/// When dynalite is not installed the DynamoDB tests skip with the reason, except under CI=true, where they
/// fail so that a missing install step cannot pass unnoticed (tests/Tracker.Testing's rule).
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;

    /// <summary>cloud/dynalite of the clone the tests were built from.</summary>
    public static string Directory { get; } = Repository.PathOf("cloud", "dynalite");

    /// <summary>dynalite's CLI script; present after <c>npm ci</c> in cloud/dynalite.</summary>
    public static string CliPath => PartCatalog.Current.PackagePath(Part.Dynalite);

    /// <summary>Why the DynamoDB tests skip, or null when they run (installed, or CI=true: then a missing install fails).</summary>
    public static string? SkipReason { get; } = PartCatalog.Current.SkipReason([Part.Dynalite]);

    /// <summary>The endpoint, http://127.0.0.1:port.</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>A client for this server (dummy credentials: dynalite checks their shape only).</summary>
    public AmazonDynamoDBClient CreateClient() => new DynamoDbTestClient(ServiceUrl, 0);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return; // the tests that need it are skipped with this reason; the class's other tests still run
        }

        string cli = PartCatalog.Current.Locate(Part.Dynalite);
        int port = FreePort();
        var start = new ProcessStartInfo(PartCatalog.Current.Locate(Part.Node))
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { cli, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0" })
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
