namespace Tracker.BenchTool.Tests;

/// <summary>Hand-written NMEA sentences for the tests: a body gets its <c>$</c>, checksum and line ending.</summary>
internal static class Nmea
{
    public static string Line(string body, string ending = "\r\n") => $"${body}*{body.Aggregate(0, (s, c) => s ^ c):X2}{ending}";

    /// <summary>An RMC with a valid fix at <paramref name="hhmmss"/> UTC.</summary>
    public static string Rmc(string hhmmss, string ending = "\r\n") => Line($"GPRMC,{hhmmss},A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W", ending);

    /// <summary>A GGA at <paramref name="hhmmss"/> UTC.</summary>
    public static string Gga(string hhmmss, string ending = "\r\n") => Line($"GPGGA,{hhmmss},4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", ending);

    /// <summary>A GSA: no time field.</summary>
    public static string Gsa(string ending = "\r\n") => Line("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1", ending);

    /// <summary>A GLL, whose time is field 5.</summary>
    public static string Gll(string hhmmss, string ending = "\r\n") => Line($"GPGLL,4807.038,N,01131.000,E,{hhmmss},A,A", ending);
}
