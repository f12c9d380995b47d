using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>
/// The short image URLs a rollout's job document carries on AWS (issue 18):
/// <c>{origin}/images/{version}?e={expiry, epoch seconds}&amp;t={token}</c>, the token the first 12 bytes (96 bits) of
/// HMAC-SHA256(key, <c>version LF expiry</c>) in base64url, 16 characters: about 100 characters with the API's own origin
/// where a URL pre-signed by a role is 1,000 or more. Every byte counts: the job message must fit the car's 1,024 bytes
/// with a 512-character signature (RolloutsApiTests measures it). The key is the
/// bucket's (<see cref="ImageBucket.UrlKeyAsync"/>), read once per execution environment. The token is the only
/// authority: the image route has no sign-in.
/// </summary>
public sealed class ImageUrls
{
    /// <summary>The path's first segment.</summary>
    public const string Segment = "images";

    /// <summary>The token's length: 12 bytes in base64url.</summary>
    public const int TokenLength = 16;

    private readonly ImageBucket _bucket;
    private readonly string _origin;
    private readonly TimeProvider _clock;
    private Task<byte[]>? _key;

    /// <summary>Mints and checks URLs with the bucket's key.</summary>
    /// <param name="bucket">The bucket that holds the key and the images.</param>
    /// <param name="origin">The API's origin the cars reach, <c>https://host[:port]</c>.</param>
    /// <param name="clock">The clock the tokens expire by.</param>
    public ImageUrls(ImageBucket bucket, Uri origin, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(clock);
        _bucket = bucket;
        _origin = origin.GetLeftPart(UriPartial.Authority);
        _clock = clock;
    }

    /// <summary>The clock.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>A URL of <paramref name="version"/>'s image that holds until <paramref name="expiry"/>.</summary>
    /// <param name="version">The version (a valid one).</param>
    /// <param name="expiry">When the URL stops working.</param>
    /// <param name="cancellationToken">Cancels reading the key.</param>
    /// <returns>The URL.</returns>
    public async Task<string> MintAsync(string version, DateTimeOffset expiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        long e = expiry.ToUnixTimeSeconds();
        byte[] key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        return _origin + "/" + Segment + "/" + Uri.EscapeDataString(version) + "?e=" + e.ToString(CultureInfo.InvariantCulture) + "&t=" + Token(key, version, e);
    }

    /// <summary>Whether the query's token holds for <paramref name="version"/> now. Never throws for any text.</summary>
    /// <param name="version">The version the path names.</param>
    /// <param name="expiry">The <c>e</c> parameter, or null.</param>
    /// <param name="token">The <c>t</c> parameter, or null.</param>
    /// <param name="cancellationToken">Cancels reading the key.</param>
    /// <returns>Null when it holds, or why not.</returns>
    public async Task<string?> RefusalAsync(string version, string? expiry, string? token, CancellationToken cancellationToken)
    {
        if (expiry is null || token is null)
        {
            return "The URL has no token (e and t): ask the job for its URL.";
        }

        if (expiry.Length is 0 or > 12 || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out long e) || token.Length != TokenLength)
        {
            return "The URL's token is malformed.";
        }

        if (e < _clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return "The URL expired.";
        }

        byte[] key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token(key, version, e)), Encoding.ASCII.GetBytes(token))
            ? null
            : "The URL's token is not this image's.";
    }

    private static string Token(byte[] key, string version, long expiry) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(version + "\n" + expiry.ToString(CultureInfo.InvariantCulture))).AsSpan(0, TokenLength / 4 * 3))
            .Replace('+', '-').Replace('/', '_');

    // One read per execution environment; a failed read is tried again by the next request.
    private Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        Task<byte[]>? key = _key;
        if (key is null || key.IsFaulted || key.IsCanceled)
        {
            key = _bucket.UrlKeyAsync(cancellationToken);
            _key = key;
        }

        return key;
    }
}
