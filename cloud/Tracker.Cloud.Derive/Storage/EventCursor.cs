using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// The opaque cursor of an event list (<see cref="IEventStore.QueryAsync"/>): the last event of a page (episode start,
/// car, id) and a hash of the query it belongs to, so a cursor from another query is refused rather than misread.
/// </summary>
public static class EventCursor
{
    private const string Tag = "e1";

    /// <summary>Writes a cursor.</summary>
    /// <param name="query">The query.</param>
    /// <param name="episodeStartMs">The page's last event's episode start.</param>
    /// <param name="carId">Its car.</param>
    /// <param name="eventId">Its id.</param>
    /// <returns>The cursor.</returns>
    public static string Write(EventQuery query, long episodeStartMs, string carId, string eventId)
    {
        ArgumentNullException.ThrowIfNull(query);
        string text = string.Join('\n', Tag, Hash(query), episodeStartMs.ToString(CultureInfo.InvariantCulture), carId, eventId);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a cursor written for the same query.</summary>
    /// <param name="query">The query, with its cursor.</param>
    /// <returns>The position after which the next page starts.</returns>
    /// <exception cref="ArgumentException">The cursor is malformed or from another query.</exception>
    public static (long EpisodeStartMs, string CarId, string EventId) Read(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(query.Cursor ?? string.Empty)).Split('\n');
        }
        catch (FormatException)
        {
            throw new ArgumentException("cursor is not one this store issued", nameof(query));
        }

        if (parts.Length != 5 || parts[0] != Tag || parts[1] != Hash(query)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long start))
        {
            throw new ArgumentException("cursor is not one this store issued for this query", nameof(query));
        }

        return (start, parts[3], parts[4]);
    }

    private static string Hash(EventQuery query)
    {
        string key = string.Join('|', query.CarId ?? "*", string.Join(',', query.Types.Order()), query.FromMs, query.ToMs, query.IncludeWithdrawn);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
    }
}
