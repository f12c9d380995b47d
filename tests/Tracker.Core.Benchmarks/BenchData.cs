using System.Text;
using Tracker.Core.Fixes;
using Tracker.Testing;

namespace Tracker.Core.Benchmarks;

/// <summary>
/// The input of every benchmark: the three-hour drive from ../shared/data/drives, read in place,
/// or, on a clone without ../shared, a generated drive of the same shape (said on the console).
/// </summary>
public static class BenchData
{
    private static byte[]? _log;

    /// <summary>Where the NMEA came from, for the report.</summary>
    public static string Source { get; private set; } = "";

    /// <summary>The NMEA bytes.</summary>
    public static byte[] Log => _log ??= Load();

    /// <summary>Number of lines in <see cref="Log"/>.</summary>
    public static int Lines => Log.Count(b => b == (byte)'\n');

    /// <summary>Every fix of <see cref="Log"/>, through the firmware reader.</summary>
    public static Fix[] Fixes()
    {
        var reader = new NmeaFixReader();
        var fixes = new List<Fix>();
        byte[] log = Log;
        int used = 0;
        while (used < log.Length)
        {
            used += reader.Push(log, used, log.Length - used);
            while (reader.TryTakeFix(out Fix f))
            {
                fixes.Add(f);
            }
        }

        reader.Flush();
        while (reader.TryTakeFix(out Fix f))
        {
            fixes.Add(f);
        }

        return fixes.ToArray();
    }

    private static byte[] Load()
    {
        // ../shared beside the clone, read in place (tests/Tracker.Testing finds it as the tests do).
        if (SharedFolder.DataFile("drives/garmin-drive-2005.nmea") is { } path)
        {
            Source = path;
            return File.ReadAllBytes(path);
        }

        Source = "generated drive (../shared absent)";
        return Generate();
    }

    private static byte[] Generate()
    {
        var sb = new StringBuilder();
        double lat = 39.43, lon = -119.76, course = 153;
        var start = new DateTime(2005, 9, 25, 23, 52, 34, DateTimeKind.Utc);
        for (int s = 0; s < 4469; s++)
        {
            DateTime t = start.AddSeconds(2 * s);
            course = (course + (Math.Sin(s / 40.0) * 3) + 360) % 360;
            double speedKn = 30 + (15 * Math.Sin(s / 200.0));
            lat += speedKn * 0.000286 * 2 / 60 * Math.Cos(course * Math.PI / 180);
            lon += speedKn * 0.000286 * 2 / 60 * Math.Sin(course * Math.PI / 180) / Math.Cos(lat * Math.PI / 180);
            string la = Nmea(Math.Abs(lat), 2) + (lat >= 0 ? ",N" : ",S"), lo = Nmea(Math.Abs(lon), 3) + (lon >= 0 ? ",E" : ",W");
            string hms = t.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Append(sb, $"GPRMC,{hms},A,{la},{lo},{speedKn:F1},{course:F1},{t:ddMMyy},15.2,E,A");
            Append(sb, $"GPGGA,{hms},{la},{lo},1,10,0.8,{1378 + (s % 50)}.6,M,-22.1,M,,");
            Append(sb, "GPGSA,A,3,04,07,08,09,11,24,26,27,28,29,,,1.5,0.8,1.3");
            Append(sb, "GPGSV,3,1,12,04,16,162,46,07,84,207,48,08,34,135,45,09,17,315,38");
            Append(sb, $"GPGLL,{la},{lo},{hms},A,A");
            Append(sb, "PGRME,2.3,M,3.3,M,4.0,M");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static string Nmea(double degrees, int width)
    {
        int d = (int)degrees;
        double minutes = (degrees - d) * 60;
        return d.ToString(new string('0', width), System.Globalization.CultureInfo.InvariantCulture) + minutes.ToString("00.0000", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Append(StringBuilder sb, string body)
    {
        int sum = 0;
        foreach (char c in body)
        {
            sum ^= c;
        }

        sb.Append('$').Append(body).Append('*').Append(sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
    }
}
