using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>
/// The stack's private <c>UpdatesBucket</c> (issue 18): each version's image at <c>images/{version}.bin</c> and its record
/// (<see cref="UpdateImage"/>) at <c>images/{version}.sig.json</c>, the record written last so that a listed version always
/// has its image. A version is never replaced by other bytes. Objects are put without aws-chunked encoding, as the
/// archive's are (S3ArchiveSink), which every S3-compatible server accepts. IAM: <c>s3:GetObject</c>, <c>s3:PutObject</c> on
/// <c>images/*</c> and <c>s3:ListBucket</c> on the bucket.
/// </summary>
public sealed class ImageBucket
{
    /// <summary>The images' prefix (the pre-signing role may read only under it).</summary>
    public const string Prefix = "images/";

    /// <summary>The most records <see cref="AllAsync"/> reads.</summary>
    public const int MaxListed = 200;

    private readonly IAmazonS3 _s3;

    /// <summary>Uses <paramref name="bucket"/>.</summary>
    /// <param name="s3">S3.</param>
    /// <param name="bucket">The bucket's name.</param>
    public ImageBucket(IAmazonS3 s3, string bucket)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        _s3 = s3;
        Bucket = bucket;
    }

    /// <summary>The bucket's name.</summary>
    public string Bucket { get; }

    /// <summary>The key of a version's image.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The key.</returns>
    public static string ImageKey(string version) => Prefix + version + ".bin";

    /// <summary>The key of a version's record.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The key.</returns>
    public static string RecordKey(string version) => Prefix + version + ".sig.json";

    /// <summary>
    /// The image's URL as a job document's placeholder for IoT Jobs to pre-sign (AWS IoT developer guide, "Managing
    /// jobs: presigned URLs"): <c>${aws:iot:s3-presigned-url:https://{bucket}.s3.amazonaws.com/images/{file}}</c>.
    /// </summary>
    /// <param name="version">The version.</param>
    /// <returns>The placeholder.</returns>
    public string PresignedUrlPlaceholder(string version) =>
        "${aws:iot:s3-presigned-url:https://" + Bucket + ".s3.amazonaws.com/" + Prefix + Uri.EscapeDataString(version + ".bin") + "}";

    /// <summary>A version's record, or null when there is none.</summary>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The record.</returns>
    /// <exception cref="InvalidDataException">The stored record is not one (never invented).</exception>
    public async Task<UpdateImage?> FindAsync(string version, CancellationToken cancellationToken)
    {
        byte[]? bytes = await ReadAsync(RecordKey(version), cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        return UpdateImage.TryRead(bytes, out UpdateImage? image) && image!.Version == version
            ? image
            : throw new InvalidDataException("s3://" + Bucket + "/" + RecordKey(version) + " is not an image record");
    }

    /// <summary>Every version's record, by version; a record that cannot be read is left out, not invented.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The records.</returns>
    public async Task<IReadOnlyList<UpdateImage>> AllAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            ListObjectsV2Response page = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key).Where(k => k.EndsWith(".sig.json", StringComparison.Ordinal)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null && keys.Count < MaxListed);

        var images = new List<UpdateImage>();
        foreach (string key in keys.Order(StringComparer.Ordinal).Take(MaxListed))
        {
            if (await ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes && UpdateImage.TryRead(bytes, out UpdateImage? image))
            {
                images.Add(image!);
            }
        }

        return images;
    }

    /// <summary>Stores a checked image, unless its version is there already.</summary>
    /// <param name="image">The image's bytes.</param>
    /// <param name="record">Its checked record.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>True when stored or the same image was there; false when the version is there with other bytes.</returns>
    public async Task<bool> PutAsync(byte[] image, UpdateImage record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(record);
        if (await FindAsync(record.Version, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return string.Equals(existing.Sha256, record.Sha256, StringComparison.OrdinalIgnoreCase);
        }

        // Two uploads of one version at once could both pass the check above; the bucket is versioned, so the first
        // image is kept as an older version, and the record written last names the digest of the image beside it.
        using (var body = new MemoryStream(image, writable: false))
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = ImageKey(record.Version), InputStream = body, ContentType = "application/octet-stream", UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
        }

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = RecordKey(record.Version), ContentBody = record.ToJson().ToJsonString(), ContentType = "application/json", UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using GetObjectResponse response = await _s3.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return copy.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
