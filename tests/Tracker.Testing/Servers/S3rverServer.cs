namespace Tracker.Testing;

/// <summary>
/// s3rver (npm, cloud/s3rver), the S3 API server, on 127.0.0.1 and a free port with a temporary data folder, for one
/// test class (<c>IClassFixture&lt;S3rverServer&gt;</c>). Started with <c>NODE_OPTIONS=--openssl-legacy-provider</c>
/// (DESIGN.md, "The local stack"). When s3rver is missing its tests are skipped (outside CI) and nothing starts here.
/// Clients and buckets: tests/Tracker.Cloud.Testing.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime
{
    private NodeServer? _server;
    private TempFolder? _data;

    /// <summary>The endpoint, http://127.0.0.1:port (port 0 until started).</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PartCatalog.Current.SkipReason([Part.S3rver]) is not null)
        {
            return;
        }

        _data = new TempFolder("tracker-s3rver-");
        _server = await NodeServer.StartAsync(new NodeServerOptions
        {
            Package = Part.S3rver,
            WorkingDirectory = Repository.PathOf("cloud", "s3rver"),
            Arguments = ["--address", "127.0.0.1", "--port", "{port}", "--directory", _data.Path, "--silent"],
            Environment = new Dictionary<string, string> { ["NODE_OPTIONS"] = "--openssl-legacy-provider" },
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

        _data?.Dispose();
    }
}
