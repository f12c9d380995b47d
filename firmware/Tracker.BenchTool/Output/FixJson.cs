using System.Globalization;
using System.Text;
using Tracker.Core.Fixes;

namespace Tracker.BenchTool.Output;

/// <summary>
/// One fix as one JSON object with exactly the fields time, lat, lon, alt (omitted when unknown),
/// speed, track, mode, hdop and sats. Integers are printed as exact decimals, never through
/// floating point: lat/lon with 7 places, speed with 3, track, hdop and alt with 2. A field the
/// receiver did not report is null (alt: absent).
/// </summary>
public static class FixJson
{
    public static string Format(in Fix fix)
    {
        var sb = new StringBuilder(200);
        sb.Append("{\"time\":\"").Append(Time(fix.TimeMs)).Append('"');
        sb.Append(",\"lat\":").Append(Scaled(fix.LatE7, 7));
        sb.Append(",\"lon\":").Append(Scaled(fix.LonE7, 7));
        if (fix.AltCm != Fix.Unknown)
        {
            sb.Append(",\"alt\":").Append(Scaled(fix.AltCm, 2));
        }

        sb.Append(",\"speed\":").Append(fix.SpeedMmps == Fix.Unknown ? "null" : Scaled(fix.SpeedMmps, 3));
        sb.Append(",\"track\":").Append(fix.CourseCdeg == Fix.Unknown ? "null" : Scaled(fix.CourseCdeg, 2));
        sb.Append(",\"mode\":").Append((int)fix.Mode);
        sb.Append(",\"hdop\":").Append(fix.HdopX100 == Fix.Unknown ? "null" : Scaled(fix.HdopX100, 2));
        sb.Append(",\"sats\":").Append(fix.Satellites == Fix.Unknown ? "null" : fix.Satellites.ToString(CultureInfo.InvariantCulture));
        sb.Append('}');
        return sb.ToString();
    }

    /// <summary>ISO-8601 UTC with milliseconds and Z.</summary>
    public static string Time(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An integer divided by 10^decimals, printed exactly.</summary>
    public static string Scaled(long value, int decimals)
    {
        long scale = 1;
        for (int i = 0; i < decimals; i++)
        {
            scale *= 10;
        }

        string sign = value < 0 ? "-" : "";
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        ulong whole = magnitude / (ulong)scale, fraction = magnitude % (ulong)scale;
        return sign + whole.ToString(CultureInfo.InvariantCulture) + "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0');
    }
}
