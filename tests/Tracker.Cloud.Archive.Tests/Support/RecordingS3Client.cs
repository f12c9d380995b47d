using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>
/// An S3 client for s3rver that records each PutObject request and can fail chosen ones the way S3
/// does (an <see cref="AmazonS3Exception"/> with a status code), before anything is sent.
/// </summary>
public sealed class RecordingS3Client(AmazonS3Config config)
    : AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), config)
{
    /// <summary>Every PutObject request, in order.</summary>
    public List<PutObjectRequest> Puts { get; } = [];

    /// <summary>When set, a put whose key it accepts fails with a 503 SlowDown.</summary>
    public Func<string, bool>? FailPut { get; set; }

    /// <inheritdoc />
    public override Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default)
    {
        Puts.Add(request);
        if (FailPut?.Invoke(request.Key) == true)
        {
            throw new AmazonS3Exception("Please reduce your request rate.", ErrorType.Receiver, "SlowDown", "test-request", System.Net.HttpStatusCode.ServiceUnavailable);
        }

        return base.PutObjectAsync(request, cancellationToken);
    }
}
