using System.Globalization;
using Amazon.Runtime;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Core.Control;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// <c>GET /images/{version}?e=&amp;t=</c> (issue 18): a car's range request for an update image, served from the
/// UpdatesBucket (<c>GetObject</c> with <c>Range</c>), with no sign-in: the URL's token is the authority
/// (<see cref="ImageUrls"/>). The car's rules (firmware <c>HttpRangeClient</c>) take only a 206 whose
/// <c>Content-Range</c> names exactly the bytes asked, so every other outcome is a clear refusal and never other bytes:
/// 206 and the bytes (base64 with <c>isBase64Encoded</c>, as the HTTP API passes binary bodies on); 200 and the whole
/// image without a <c>Range</c>; 403 a missing, malformed, wrong or expired token; 404 no such version; 416 with
/// <c>Content-Range: bytes */{size}</c> a range that starts past the end, is malformed, names several ranges or more than
/// <see cref="MaxRangeBytes"/>; 405 anything but GET; 502 S3 failing.
/// </summary>
/// <remarks>
/// Lambda answers at most 6 MB; <see cref="MaxRangeBytes"/> (1 MiB, the largest image the cars take) is 1.4 MB in base64.
/// The cars ask 4,096 bytes at a time (<c>StagedDownload.DefaultChunkBytes</c>).
/// </remarks>
public sealed class ImagesApi : IApiRoutes
{
    /// <summary>The most bytes one answer carries.</summary>
    public const int MaxRangeBytes = UpdateLimits.MaxImageBytes;

    private readonly ImageUrls _urls;
    private readonly ImageBucket _images;

    /// <summary>Creates the route.</summary>
    /// <param name="urls">Checks the tokens.</param>
    /// <param name="images">The images.</param>
    public ImagesApi(ImageUrls urls, ImageBucket images)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(images);
        _urls = urls;
        _images = images;
    }

    /// <inheritdoc/>
    public bool SignedIn => false;

    /// <summary>True when the path is this route's: <c>/images/{version}</c>.</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return segments.Count > 0 && segments[0] == ImageUrls.Segment;
    }

    /// <inheritdoc/>
    public async Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        (HttpApiRequest request, IReadOnlyList<string> segments, _, string instance) = call;
        if (segments.Count != 2 || !UpdateLimits.IsValidVersion(segments[1]))
        {
            return call.Problem(ProblemType.NotFound, "No image here: images are at /images/{version}.");
        }

        if (call.Allow("GET") is { } refused)
        {
            return refused;
        }

        string version = segments[1];
        try
        {
            Dictionary<string, string> query = request.QueryStringParameters ?? [];
            if (await _urls.RefusalAsync(version, query.GetValueOrDefault("e"), query.GetValueOrDefault("t"), cancellationToken).ConfigureAwait(false) is { } why)
            {
                return ApiHandler.Problem(new ProblemType("/problems/bad-image-token", "Forbidden", 403).With(why, instance));
            }

            string? header = request.Headers?.GetValueOrDefault("range");
            if (!TryParseRange(header, out long first, out long last))
            {
                // Malformed, several ranges or too many bytes: the size is still told, as for a range past the end.
                long? size = await _images.SizeAsync(version, cancellationToken).ConfigureAwait(false);
                return size is not long total ? NoImage(version, instance) : Unsatisfiable(total, "The Range must be one 'bytes=first-last' of at most " + MaxRangeBytes + " bytes.", instance);
            }

            ImageRange? range = await _images.ReadRangeAsync(version, first, last, cancellationToken).ConfigureAwait(false);
            if (range is null)
            {
                return NoImage(version, instance);
            }

            if (range.Bytes.Length == 0)
            {
                return Unsatisfiable(range.Total, "The image is " + range.Total + " bytes: the range starts past its end.", instance);
            }

            if (header is null && range.Total > MaxRangeBytes)
            {
                return Unsatisfiable(range.Total, "The image is larger than one answer: ask for ranges of at most " + MaxRangeBytes + " bytes.", instance);
            }

            var response = new HttpApiResponse { StatusCode = header is null ? 200 : 206, Body = Convert.ToBase64String(range.Bytes), IsBase64Encoded = true };
            response.Headers["content-type"] = "application/octet-stream";
            response.Headers["cache-control"] = "private, no-store";
            response.Headers["accept-ranges"] = "bytes";
            if (header is not null)
            {
                response.Headers["content-range"] = "bytes " + first.ToString(CultureInfo.InvariantCulture) + "-" + (first + range.Bytes.Length - 1).ToString(CultureInfo.InvariantCulture) + "/" + range.Total.ToString(CultureInfo.InvariantCulture);
            }

            return response;
        }
        catch (Exception e) when (e is AmazonServiceException or InvalidDataException or EndOfStreamException)
        {
            return ApiHandler.Problem(new ProblemType("/problems/s3-failed", "Storage failed", 502).With("The updates bucket failed: " + TimeParameter.Clip(e.Message), instance));
        }
    }

    /// <summary>
    /// Reads a <c>Range</c> header strictly (RFC 9110 §14.1.2): <c>bytes=first-last</c>, one range, digits only, first ≤ last,
    /// at most <see cref="MaxRangeBytes"/> bytes. No header is the whole image (0 to <see cref="MaxRangeBytes"/> - 1). Never throws.
    /// </summary>
    /// <param name="header">The header, or null.</param>
    /// <param name="first">The first byte.</param>
    /// <param name="last">The last byte.</param>
    /// <returns>False when the header is not one such range.</returns>
    public static bool TryParseRange(string? header, out long first, out long last)
    {
        first = 0;
        last = MaxRangeBytes - 1;
        if (header is null)
        {
            return true;
        }

        const string Unit = "bytes=";
        string text = header.Trim();
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (!text.StartsWith(Unit, StringComparison.OrdinalIgnoreCase) || dash < 0
            || !TryDigits(text.AsSpan(Unit.Length, dash - Unit.Length), out long a) || !TryDigits(text.AsSpan(dash + 1), out long b)
            || b < a || b - a >= MaxRangeBytes)
        {
            return false;
        }

        first = a;
        last = b;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 15)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static HttpApiResponse NoImage(string version, string instance) =>
        ApiHandler.Problem(ProblemType.NotFound.With("No image of version '" + version + "'.", instance));

    private static HttpApiResponse Unsatisfiable(long total, string detail, string instance)
    {
        HttpApiResponse response = ApiHandler.Problem(new ProblemType("/problems/range-not-satisfiable", "Range not satisfiable", 416).With(detail, instance));
        response.Headers["content-range"] = "bytes */" + total.ToString(CultureInfo.InvariantCulture);
        return response;
    }
}
