using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Tracker.Testing;

namespace Tracker.Cloud.Testing;

/// <summary>AWS SDK clients for the API servers tests start (tests/Tracker.Testing): no retries, so a failure shows at once.</summary>
public static class AwsTestClients
{
    /// <summary>A DynamoDB client for a dynalite endpoint (dynalite checks only the credentials' shape).</summary>
    /// <param name="serviceUrl">The endpoint.</param>
    /// <returns>The client.</returns>
    public static AmazonDynamoDBClient DynamoDb(Uri serviceUrl) =>
        new(new BasicAWSCredentials("test", "test"), DynamoDbConfig(serviceUrl));

    /// <summary>The DynamoDB client configuration for a dynalite endpoint.</summary>
    /// <param name="serviceUrl">The endpoint.</param>
    /// <returns>The configuration.</returns>
    public static AmazonDynamoDBConfig DynamoDbConfig(Uri serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        return new AmazonDynamoDBConfig { ServiceURL = serviceUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
    }

    /// <summary>An S3 client for an s3rver endpoint: path-style addressing, s3rver's fixed credentials.</summary>
    /// <param name="serviceUrl">The endpoint.</param>
    /// <returns>The client.</returns>
    public static AmazonS3Client S3(Uri serviceUrl) => new(new BasicAWSCredentials("S3RVER", "S3RVER"), S3Config(serviceUrl));

    /// <summary>The S3 client configuration for an s3rver endpoint.</summary>
    /// <param name="serviceUrl">The endpoint.</param>
    /// <returns>The configuration.</returns>
    public static AmazonS3Config S3Config(Uri serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        return new AmazonS3Config { ServiceURL = serviceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
    }

    /// <summary>A DynamoDB client for this dynalite.</summary>
    /// <param name="server">The server.</param>
    /// <returns>The client.</returns>
    public static AmazonDynamoDBClient CreateClient(this DynaliteServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return DynamoDb(server.ServiceUrl);
    }

    /// <summary>An S3 client for this s3rver.</summary>
    /// <param name="server">The server.</param>
    /// <returns>The client.</returns>
    public static AmazonS3Client CreateClient(this S3rverServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return S3(server.ServiceUrl);
    }

    /// <summary>Creates a bucket with a fresh name on this s3rver and returns the name.</summary>
    /// <param name="server">The server.</param>
    /// <returns>The bucket's name.</returns>
    public static async Task<string> CreateBucketAsync(this S3rverServer server)
    {
        string bucket = "archive-" + Guid.NewGuid().ToString("N")[..16];
        using AmazonS3Client client = server.CreateClient();
        await client.PutBucketAsync(bucket).ConfigureAwait(false);
        return bucket;
    }
}
