using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Core.Storage;

/// <summary>
/// The opaque range-query cursor both stores issue: base64url of <c>{store}.{fingerprint}.{lastTs}</c>,
/// where the fingerprint is a hash of the query (car, from, to) and the store tag (<c>s1</c> SQLite,
/// <c>d1</c> DynamoDB; the DynamoDB key's partition is the car, so only the sort key travels). A
/// cursor from another query, another store or a hand-edited one is an <see cref="ArgumentException"/>,
/// never a silently different page. The page size is not part of the fingerprint: a client may
/// change it between pages.
/// </summary>
public static class RangeCursor
{
    /// <summary>The cursor that resumes the query after <paramref name="lastTs"/>.</summary>
    /// <param name="store">The issuing store's tag.</param>
    /// <param name="carId">The query's car.</param>
    /// <param name="fromTs">The query's start.</param>
    /// <param name="toTs">The query's end.</param>
    /// <param name="lastTs">The last timestamp of the page just returned.</param>
    public static string Encode(string store, string carId, long fromTs, long toTs, long lastTs)
    {
        string text = string.Join('.', store, Fingerprint(carId, fromTs, toTs), lastTs.ToString(CultureInfo.InvariantCulture));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The last timestamp of the previous page.</summary>
    /// <param name="store">The store's tag, as given to <see cref="Encode"/>.</param>
    /// <param name="cursor">The cursor the client sent back.</param>
    /// <param name="carId">The query's car.</param>
    /// <param name="fromTs">The query's start.</param>
    /// <param name="toTs">The query's end.</param>
    /// <exception cref="ArgumentException">The cursor was not issued by this store for this query.</exception>
    public static long Decode(string store, string cursor, string carId, long fromTs, long toTs)
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

        if (parts is not { Length: 3 } || parts[0] != store || parts[1] != Fingerprint(carId, fromTs, toTs)
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
