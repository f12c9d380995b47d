using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// The opaque cursor of a trip or stop list (<see cref="ITripStore"/>): the start of the page's last item, tagged with
/// the kind and a hash of the query, so a cursor from another query or list is refused rather than misread.
/// </summary>
public static class SpanCursor
{
    /// <summary>Writes a cursor.</summary>
    /// <param name="kind">"trips" or "stops".</param>
    /// <param name="query">The query.</param>
    /// <param name="lastStartTs">The page's last item's start.</param>
    /// <returns>The cursor.</returns>
    public static string Write(string kind, SpanQuery query, long lastStartTs)
    {
        ArgumentNullException.ThrowIfNull(query);
        string text = string.Join('\n', kind, Hash(kind, query), lastStartTs.ToString(CultureInfo.InvariantCulture));
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a cursor written for the same kind and query; null when the query has none.</summary>
    /// <param name="kind">"trips" or "stops".</param>
    /// <param name="query">The query, with its cursor.</param>
    /// <returns>The start after which the next page begins, or null.</returns>
    /// <exception cref="ArgumentException">The cursor is malformed or from another query.</exception>
    public static long? Read(string kind, SpanQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Cursor is null)
        {
            return null;
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(query.Cursor)).Split('\n');
        }
        catch (FormatException)
        {
            throw new ArgumentException("cursor is not one this store issued", nameof(query));
        }

        if (parts.Length != 3 || parts[0] != kind || parts[1] != Hash(kind, query)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long start))
        {
            throw new ArgumentException("cursor is not one this store issued for this query", nameof(query));
        }

        return start;
    }

    private static string Hash(string kind, SpanQuery query)
    {
        string key = string.Join('|', kind, query.CarId, query.FromMs, query.ToMs);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
    }
}
