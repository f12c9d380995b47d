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
    /// <summary>The images' prefix.</summary>
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

    /// <summary>The key of the image URLs' HMAC key (<see cref="ImageUrls"/>): 32 random bytes the API function creates once.</summary>
    public const string UrlKeyKey = KeysPrefix + "image-url.key";

    /// <summary>The keys' prefix (the API function's only other place in the bucket).</summary>
    public const string KeysPrefix = "keys/";

    /// <summary>The image URLs' HMAC key's length.</summary>
    public const int UrlKeyBytes = 32;

    /// <summary>
    /// The image URLs' HMAC key: read from <see cref="UrlKeyKey"/>, or created there when the bucket has none. The create is
    /// conditional (<c>If-None-Match: *</c>), so two functions starting at once keep the first key, and the key read back
    /// is the one used.
    /// </summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidDataException">The stored key is not <see cref="UrlKeyBytes"/> bytes (never replaced: URLs already sent name it).</exception>
    public async Task<byte[]> UrlKeyAsync(CancellationToken cancellationToken)
    {
        byte[]? key = await ReadAsync(UrlKeyKey, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            try
            {
                using var body = new MemoryStream(System.Security.Cryptography.RandomNumberGenerator.GetBytes(UrlKeyBytes), writable: false);
                await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = UrlKeyKey, InputStream = body, ContentType = "application/octet-stream", IfNoneMatch = "*", UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
            {
                // Another function created it first: its key is read below.
            }

            key = await ReadAsync(UrlKeyKey, cancellationToken).ConfigureAwait(false);
        }

        return key is { Length: UrlKeyBytes } ? key : throw new InvalidDataException("s3://" + Bucket + "/" + UrlKeyKey + " is not a " + UrlKeyBytes + "-byte key");
    }

    /// <summary>Bytes <paramref name="first"/> to <paramref name="last"/> (inclusive) of a version's image, S3 clipping the last to the image's end.</summary>
    /// <param name="version">The version.</param>
    /// <param name="first">The first byte.</param>
    /// <param name="last">The last byte asked for.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The bytes and the image's length; null when there is no such image; empty bytes and the length when <paramref name="first"/> is past the end.</returns>
    /// <exception cref="InvalidDataException">S3 answered other bytes than asked (never passed on).</exception>
    public async Task<ImageRange?> ReadRangeAsync(string version, long first, long last, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        string key = ImageKey(version);
        try
        {
            using GetObjectResponse response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = new ByteRange(first, last) }, cancellationToken).ConfigureAwait(false);
            long total = TotalOf(response.ContentRange) ?? response.ContentLength;
            long end = Math.Min(last, total - 1);
            if (first > end || (response.ContentRange is not null && response.ContentRange != "bytes " + first + "-" + end + "/" + total))
            {
                throw new InvalidDataException("s3://" + Bucket + "/" + key + " answered " + (response.ContentRange ?? "no Content-Range") + " for bytes " + first + "-" + last);
            }

            byte[] bytes = new byte[end - first + 1];
            await response.ResponseStream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return new ImageRange(bytes, total);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return await SizeAsync(version, cancellationToken).ConfigureAwait(false) is long size ? new ImageRange([], size) : null;
        }
    }

    /// <summary>A version's image's length (<c>HeadObject</c>), or null when there is no such image.</summary>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The length.</returns>
    public async Task<long?> SizeAsync(string version, CancellationToken cancellationToken)
    {
        try
        {
            GetObjectMetadataResponse head = await _s3.GetObjectMetadataAsync(Bucket, ImageKey(version), cancellationToken).ConfigureAwait(false);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static long? TotalOf(string? contentRange) =>
        contentRange is not null && contentRange.LastIndexOf('/') is int slash and > 0
            && long.TryParse(contentRange.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long total)
            ? total
            : null;

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

/// <summary>Part of an image: the bytes read (empty when the range starts past the end) and the whole image's length.</summary>
/// <param name="Bytes">The bytes.</param>
/// <param name="Total">The image's length.</param>
public sealed record ImageRange(byte[] Bytes, long Total);
