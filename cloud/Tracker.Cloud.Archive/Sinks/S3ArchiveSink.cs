using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tracker.Cloud.Archive.Sinks;

/// <summary>
/// The archive in an S3 bucket under a prefix. One PutObject per object: S3 stores an object whole or
/// not at all, so a reader never sees a partial file. The body is sent with a Content-Length and
/// without aws-chunked encoding (<see cref="PutObjectRequest.UseChunkEncoding"/> false), which every
/// S3-compatible server accepts. Parts are at most a few tens of MB, far below PutObject's 5 GB limit.
/// </summary>
public sealed class S3ArchiveSink : IArchiveSink
{
    private readonly IAmazonS3 _client;
    private readonly S3ArchiveSinkOptions _options;

    /// <summary>Creates the sink; the options are validated here.</summary>
    /// <param name="client">The S3 client (its region, credentials and endpoint are the caller's).</param>
    /// <param name="options">Bucket, prefix and optional KMS key.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the key.</exception>
    public S3ArchiveSink(IAmazonS3 client, S3ArchiveSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
    }

    /// <inheritdoc />
    public string Describe(string key) => $"s3://{_options.Bucket}/{_options.Prefix}{key}";

    /// <inheritdoc />
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        Stream body = MemoryMarshal.TryGetArray(content, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        await using (body.ConfigureAwait(false))
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = _options.Prefix + key,
                InputStream = body,
                AutoCloseStream = false,
                ContentType = contentType,
                UseChunkEncoding = false,
            };
            if (_options.KmsKeyId is { } kmsKey)
            {
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKey;
            }

            await CallAsync("put", key, () => _client.PutObjectAsync(request, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckFolder(folder);
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.Prefix + folder };
        ListObjectsV2Response response;
        do
        {
            response = await CallAsync("list", folder, () => _client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (S3Object item in response.S3Objects ?? [])
            {
                keys.Add(item.Key[_options.Prefix.Length..]);
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && response.NextContinuationToken is not null);

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);
        try
        {
            using GetObjectResponse response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = _options.Prefix + key }, cancellationToken).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return copy.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // NoSuchKey (404). With s3:GetObject but no s3:ListBucket on the prefix, S3 answers 403 instead, which fails below.
            return null;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            throw new ArchiveSinkException($"S3 get of {Describe(key)} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);

        // DeleteObject succeeds (204) for a key that does not exist (S3 API reference, DeleteObject).
        await CallAsync("delete", key, () => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = _options.Prefix + key }, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<T> CallAsync<T>(string operation, string key, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw new ArchiveSinkException($"S3 {operation} of {Describe(key)} failed: {e.StatusCode} {e.ErrorCode}: {e.Message}", e);
        }
        catch (AmazonClientException e)
        {
            throw new ArchiveSinkException($"S3 {operation} of {Describe(key)} failed: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new ArchiveSinkException($"S3 {operation} of {Describe(key)} failed: {e.Message}", e);
        }
    }
}
