using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// A <see cref="StoredFix"/> as a DynamoDB item, in both the fixes and the latest table. Attribute
/// names are spelled out (they become the columns of the S3 export); an unknown optional value is an
/// absent attribute, never 0. Items written before issue 17 may carry an <c>odometerM</c> attribute (ingest's old
/// per-fix odometer): it is ignored on reading, and no longer written (the odometer is the Derive stage's).
/// </summary>
internal static class FixItem
{
    /// <summary>Partition key, S: the car id.</summary>
    public const string CarId = "carId";

    /// <summary>Sort key of the fixes table, N: UTC epoch milliseconds.</summary>
    public const string Ts = "ts";

    /// <summary>The TTL attribute, N: UTC epoch SECONDS (DynamoDB TTL reads seconds), the fix's ts plus the retention.</summary>
    public const string ExpiresAt = "expiresAt";

    /// <summary>The item for <paramref name="fix"/>; with <paramref name="expiresAtSeconds"/> for the fixes table.</summary>
    public static Dictionary<string, AttributeValue> ToItem(StoredFix fix, long? expiresAtSeconds)
    {
        var item = new Dictionary<string, AttributeValue>(16)
        {
            [CarId] = new AttributeValue { S = fix.CarId },
            [Ts] = Number(fix.Ts),
            ["latE7"] = Number(fix.LatE7),
            ["lonE7"] = Number(fix.LonE7),
            ["mode"] = Number(fix.Mode),
            ["quality"] = Number(fix.Quality),
            ["speedDerived"] = new AttributeValue { BOOL = fix.SpeedDerived },
            ["moving"] = new AttributeValue { BOOL = fix.Moving },
            ["receivedMs"] = Number(fix.ReceivedMs),
        };
        AddOptional(item, "altCm", fix.AltCm);
        AddOptional(item, "speedMmps", fix.SpeedMmps);
        AddOptional(item, "courseCdeg", fix.CourseCdeg);
        AddOptional(item, "hdopX100", fix.HdopX100);
        AddOptional(item, "satellites", fix.Satellites);
        if (expiresAtSeconds is long expires)
        {
            item[ExpiresAt] = Number(expires);
        }

        return item;
    }

    /// <summary>The fix an item holds.</summary>
    /// <exception cref="InvalidDataException">A required attribute is missing or malformed.</exception>
    public static StoredFix FromItem(Dictionary<string, AttributeValue> item) => new(
        item.TryGetValue(CarId, out AttributeValue? car) && car.S is { } s ? s : throw Missing(CarId),
        RequiredLong(item, Ts),
        (int)RequiredLong(item, "latE7"),
        (int)RequiredLong(item, "lonE7"),
        (int?)OptionalLong(item, "altCm"),
        (int?)OptionalLong(item, "speedMmps"),
        (int?)OptionalLong(item, "courseCdeg"),
        (int?)OptionalLong(item, "hdopX100"),
        (int?)OptionalLong(item, "satellites"),
        (byte)RequiredLong(item, "mode"),
        (byte)RequiredLong(item, "quality"),
        Bool(item, "speedDerived"),
        Bool(item, "moving"),
        RequiredLong(item, "receivedMs"));

    /// <summary>A number attribute.</summary>
    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The integer in a number attribute.</summary>
    public static long RequiredLong(Dictionary<string, AttributeValue> item, string name) =>
        OptionalLong(item, name) ?? throw Missing(name);

    private static long? OptionalLong(Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out AttributeValue? value) || value.N is null)
        {
            return null;
        }

        return long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new InvalidDataException($"Attribute '{name}' is not an integer: '{value.N}'.");
    }

    private static bool Bool(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out AttributeValue? value) && value.BOOL is bool b ? b : throw Missing(name);

    private static void AddOptional(Dictionary<string, AttributeValue> item, string name, long? value)
    {
        if (value is long v)
        {
            item[name] = Number(v);
        }
    }

    private static InvalidDataException Missing(string name) => new($"Stored item lacks attribute '{name}'.");
}
