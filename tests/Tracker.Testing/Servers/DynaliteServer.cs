namespace Tracker.Testing;

/// <summary>
/// dynalite (npm, cloud/dynalite), the DynamoDB API server, in memory on 127.0.0.1 and a free port, for one test class
/// (<c>IClassFixture&lt;DynaliteServer&gt;</c>). Tables are created, updated and deleted at once. When dynalite is
/// missing its tests are skipped (outside CI) and nothing starts here. Clients: tests/Tracker.Cloud.Testing.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private NodeServer? _server;

    /// <summary>Why the tests that need it skip here, or null when they run (installed, or CI=true, where a missing install fails).</summary>
    public static string? SkipReason => PartCatalog.Current.SkipReason([Part.Dynalite]);

    /// <summary>The endpoint, http://127.0.0.1:port (port 0 until started).</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return; // the tests that need it are skipped with the reason; the class's other tests still run
        }

        _server = await NodeServer.StartAsync(new NodeServerOptions
        {
            Package = Part.Dynalite,
            WorkingDirectory = Repository.PathOf("cloud", "dynalite"),
            Arguments = ["--port", "{port}", "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
        });
        ServiceUrl = new Uri($"http://127.0.0.1:{_server.Port}");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}
