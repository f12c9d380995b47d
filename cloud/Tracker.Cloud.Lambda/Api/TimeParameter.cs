using System.Globalization;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// Reads a time given on the debug CLI (<c>--now</c>, <c>--rental</c>): either UTC epoch milliseconds (digits only, "1718000000000") or an
/// ISO-8601 / RFC 3339 date-time with its offset ("2024-06-10T06:13:20Z", "2024-06-10T08:13:20+02:00").
/// A date-time without an offset is refused: it would mean the server's zone.
/// </summary>
public static class TimeParameter
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    /// <summary>Parses one value.</summary>
    /// <param name="name">The parameter's name, for the message.</param>
    /// <param name="text">The value.</param>
    /// <param name="epochMs">The instant, UTC epoch ms.</param>
    /// <param name="detail">Why not, naming the parameter; empty on success.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(string name, string text, out long epochMs, out string detail)
    {
        epochMs = 0;
        detail = string.Empty;
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            // 13 digits reach the year 2286; more is a mistake (microseconds, nanoseconds).
            if (text.Length <= 13 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out epochMs))
            {
                return true;
            }

            detail = "'" + name + "' must be UTC epoch milliseconds (at most 13 digits) or an ISO-8601 date-time with an offset; got '" + Clip(text) + "'.";
            return false;
        }

        if (DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset instant)
            && HasOffset(text))
        {
            epochMs = instant.ToUnixTimeMilliseconds();
            return true;
        }

        detail = "'" + name + "' must be UTC epoch milliseconds or an ISO-8601 date-time with an offset, such as 2024-06-10T06:13:20Z; got '" + Clip(text) + "'.";
        return false;
    }

    private static bool HasOffset(string text)
    {
        int t = text.IndexOf('T', StringComparison.Ordinal);
        string time = t < 0 ? text : text[(t + 1)..];
        return time.EndsWith('Z') || time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }

    /// <summary>Shortens a value quoted back in a message.</summary>
    /// <param name="text">The value.</param>
    /// <returns>At most 40 characters.</returns>
    internal static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
