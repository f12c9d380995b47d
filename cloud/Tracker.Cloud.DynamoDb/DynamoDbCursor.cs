using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// The opaque range-query cursor, wrapping the page's last evaluated key: base64url of
/// <c>d1.{fingerprint}.{ts}</c>. The key's partition is the car, which the query already names,
/// so only its sort key travels; the fingerprint (a hash of car, from, to) rejects a cursor from
/// another query with an <see cref="ArgumentException"/> rather than resuming somewhere else.
/// </summary>
internal static class DynamoDbCursor
{
    private const string Prefix = "d1";

    /// <summary>The cursor that resumes the query after the item keyed (car, <paramref name="lastTs"/>).</summary>
    public static string Encode(string carId, long fromTs, long toTs, long lastTs)
    {
        string text = string.Join('.', Prefix, Fingerprint(carId, fromTs, toTs), lastTs.ToString(CultureInfo.InvariantCulture));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The sort key of the previous page's last evaluated item.</summary>
    /// <exception cref="ArgumentException">The cursor was not issued by this store for this query.</exception>
    public static long Decode(string cursor, string carId, long fromTs, long toTs)
    {
        string[]? parts = null;
        try
        {
            string b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('.');
        }
        catch (FormatException)
        {
        }

        if (parts is not { Length: 3 } || parts[0] != Prefix || parts[1] != Fingerprint(carId, fromTs, toTs)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long lastTs)
            || lastTs < fromTs || lastTs >= toTs)
        {
            throw new ArgumentException("The cursor is not one this store issued for this query.", nameof(cursor));
        }

        return lastTs;
    }

    private static string Fingerprint(string carId, long fromTs, long toTs)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', carId, fromTs.ToString(CultureInfo.InvariantCulture), toTs.ToString(CultureInfo.InvariantCulture))));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
