using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Tracker.Testing;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>
/// dynalite (npm, cloud/dynalite) on 127.0.0.1 and a free port, in memory, for the archive function's
/// end-to-end test. When dynalite is missing its tests are skipped (tests/Tracker.Testing's rule) and nothing starts here.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private NodeServer? _server;

    /// <summary>The endpoint, http://127.0.0.1:port.</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>A client for this server (dynalite checks only the credentials' shape).</summary>
    public AmazonDynamoDBClient CreateClient() =>
        new(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = ServiceUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PartCatalog.Current.SkipReason([Part.Dynalite]) is not null)
        {
            return;
        }

        _server = await NodeServer.StartAsync(
            Part.Dynalite,
            Path.Combine(CloudDir.Path, "dynalite"),
            ["--port", "{port}", "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]);
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
