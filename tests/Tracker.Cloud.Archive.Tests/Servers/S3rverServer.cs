using Amazon.Runtime;
using Amazon.S3;
using Tracker.Testing;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>
/// s3rver (npm, cloud/s3rver) on 127.0.0.1 and a free port with a temporary data directory, for one
/// test class. Started with <c>NODE_OPTIONS=--openssl-legacy-provider</c> (DESIGN.md, "The local stack").
/// When s3rver is missing its tests are skipped (tests/Tracker.Testing's rule), so nothing starts here.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime
{
    private NodeServer? _server;
    private string? _directory;

    /// <summary>The endpoint, http://127.0.0.1:port.</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>A client for this server: path-style addressing, s3rver's fixed credentials, no retries.</summary>
    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials("S3RVER", "S3RVER"), Config(ServiceUrl));

    /// <summary>The client configuration for an s3rver endpoint.</summary>
    public static AmazonS3Config Config(Uri serviceUrl) => new()
    {
        ServiceURL = serviceUrl.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    };

    /// <summary>Creates a bucket with a fresh name and returns the name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        string bucket = "archive-" + Guid.NewGuid().ToString("N")[..16];
        using AmazonS3Client client = CreateClient();
        await client.PutBucketAsync(bucket);
        return bucket;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PartCatalog.Current.SkipReason([Part.S3rver]) is not null)
        {
            return;
        }

        _directory = Directory.CreateTempSubdirectory("tracker-s3rver-").FullName;
        _server = await NodeServer.StartAsync(
            Part.S3rver,
            Path.Combine(CloudDir.Path, "s3rver"),
            ["--address", "127.0.0.1", "--port", "{port}", "--directory", _directory, "--silent"],
            new Dictionary<string, string> { ["NODE_OPTIONS"] = "--openssl-legacy-provider" });
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

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
