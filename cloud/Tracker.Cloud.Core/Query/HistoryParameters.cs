using System.Globalization;

namespace Tracker.Cloud.Core.Query;

/// <summary>Validated history parameters.</summary>
/// <param name="StartMs">Range start, inclusive, UTC epoch ms.</param>
/// <param name="EndMs">Range end, exclusive, UTC epoch ms; after the start.</param>
/// <param name="Limit">Page size, <see cref="MinLimit"/> to <see cref="MaxLimit"/>.</param>
/// <param name="Cursor">The continuation cursor, or null.</param>
public sealed record HistoryParameters(long StartMs, long EndMs, int Limit, string? Cursor)
{
    /// <summary>The smallest page.</summary>
    public const int MinLimit = 1;

    /// <summary>The largest page: 1000 fixes stay well inside a Lambda response (6 MB) and a DynamoDB query page (1 MB).</summary>
    public const int MaxLimit = 1000;

    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The range when no end is given: one day.</summary>
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    /// <summary>The longest cursor accepted; ours are far shorter.</summary>
    public const int MaxCursorLength = 2048;

    /// <summary>Validates raw parameters, reporting every bad one. Never throws on content.</summary>
    /// <param name="request">The raw parameters.</param>
    /// <param name="parameters">The parameters when all are valid.</param>
    /// <param name="errors">Each bad parameter, empty when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(HistoryRequest request, out HistoryParameters? parameters, out IReadOnlyList<ParameterError> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ParameterError> found = [];
        parameters = null;

        long start = 0;
        if (string.IsNullOrWhiteSpace(request.Start))
        {
            found.Add(new("start", "is required: epoch milliseconds or an ISO 8601 time such as 2025-01-31T08:00:00Z"));
        }
        else if (!TryParseTime(request.Start, out start))
        {
            found.Add(new("start", "'" + Shorten(request.Start) + "' is not epoch milliseconds or an ISO 8601 time such as 2025-01-31T08:00:00Z"));
        }

        long? end = null;
        if (request.End is not null)
        {
            if (TryParseTime(request.End, out long parsed))
            {
                end = parsed;
            }
            else
            {
                found.Add(new("end", "'" + Shorten(request.End) + "' is not epoch milliseconds or an ISO 8601 time such as 2025-01-31T09:00:00Z"));
            }
        }

        int limit = DefaultLimit;
        if (request.Limit is not null
            && (!int.TryParse(request.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < MinLimit || limit > MaxLimit))
        {
            found.Add(new("limit", "'" + Shorten(request.Limit) + "' is not a whole number from " + MinLimit + " to " + MaxLimit));
        }

        if (request.Cursor is not null && (request.Cursor.Length == 0 || request.Cursor.Length > MaxCursorLength))
        {
            found.Add(new("cursor", "must be the nextCursor of the previous page, unchanged"));
        }

        if (found.Count == 0)
        {
            long endMs = end ?? SaturatingAdd(start, (long)DefaultSpan.TotalMilliseconds);
            if (endMs <= start)
            {
                found.Add(new("end", "must be after start"));
            }
            else
            {
                parameters = new HistoryParameters(start, endMs, limit, request.Cursor);
            }
        }

        errors = found;
        return parameters is not null;
    }

    private static bool TryParseTime(string text, out long epochMs)
    {
        text = text.Trim();
        if (text.Length > 0 && text.All(c => c is >= '0' and <= '9'))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out epochMs) && epochMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        }

        // ISO 8601 only: a date, 'T', a time and an offset or Z (RFC 3339 §5.6); no local or culture formats.
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset time)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-'))
        {
            epochMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        epochMs = 0;
        return false;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
