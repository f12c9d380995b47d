using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Tracker.Cloud.Notify.Outbox;

/// <summary>
/// Where a page of <c>GET /notifications</c> ended: the last entry's creation time and key. Entries are listed newest
/// first, ties broken by the key descending (<see cref="Compare"/>), so the next page is every entry ordered after it and
/// none is skipped or listed twice, even when many share a millisecond. The API hands it out as an opaque cursor.
/// </summary>
/// <param name="CreatedMs">The entry's creation time.</param>
/// <param name="CarId">Its car.</param>
/// <param name="EventId">Its event.</param>
/// <param name="SubscriptionId">Its subscription.</param>
/// <param name="Channel">Its channel.</param>
public sealed record OutboxPosition(long CreatedMs, string CarId, string EventId, string SubscriptionId, Channel Channel)
{
    /// <summary>The longest cursor read.</summary>
    public const int MaxCursorLength = 1024;

    /// <summary>The position of an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Its position.</returns>
    public static OutboxPosition Of(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.CreatedMs, entry.CarId, entry.EventId, entry.SubscriptionId, entry.Channel);
    }

    /// <summary>The listing order: newer first, then the key descending (as SQLite's row-value comparison of the key).</summary>
    /// <param name="a">One.</param>
    /// <param name="b">Another.</param>
    /// <returns>Negative when <paramref name="a"/> is listed first.</returns>
    public static int Compare(OutboxPosition a, OutboxPosition b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int c = b.CreatedMs.CompareTo(a.CreatedMs);
        c = c != 0 ? c : string.CompareOrdinal(b.CarId, a.CarId);
        c = c != 0 ? c : string.CompareOrdinal(b.EventId, a.EventId);
        c = c != 0 ? c : string.CompareOrdinal(b.SubscriptionId, a.SubscriptionId);
        return c != 0 ? c : ((int)b.Channel).CompareTo((int)a.Channel);
    }

    /// <summary>The opaque cursor (base64url of a JSON array).</summary>
    /// <returns>The cursor.</returns>
    public string ToCursor()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(CreatedMs);
            json.WriteStringValue(CarId);
            json.WriteStringValue(EventId);
            json.WriteStringValue(SubscriptionId);
            json.WriteNumberValue((int)Channel);
            json.WriteEndArray();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>Reads a cursor <see cref="ToCursor"/> made; anything else (bad base64, JSON, UTF-8 or shape) is refused, never guessed.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <param name="position">The position.</param>
    /// <returns>True when it is one.</returns>
    public static bool TryParse(string? cursor, out OutboxPosition? position)
    {
        position = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxCursorLength)
        {
            return false;
        }

        try
        {
            byte[] bytes = Base64Url.DecodeFromChars(cursor);
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 2 });
            JsonElement a = document.RootElement;
            if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 5
                || !a[0].TryGetInt64(out long created) || created < 0
                || a[1].ValueKind != JsonValueKind.String || a[2].ValueKind != JsonValueKind.String || a[3].ValueKind != JsonValueKind.String
                || !a[4].TryGetInt32(out int channel) || !Enum.IsDefined((Channel)channel))
            {
                return false;
            }

            position = new OutboxPosition(created, a[1].GetString()!, a[2].GetString()!, a[3].GetString()!, (Channel)channel);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException or InvalidOperationException)
        {
            return false;
        }
    }
}
