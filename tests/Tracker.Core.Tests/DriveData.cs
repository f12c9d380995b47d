using Tracker.Core.Fixes;

namespace Tracker.Core.Tests;

/// <summary>
/// The three-hour drive in ../shared/data/drives, as fixes. Read in place; null when ../shared is absent.
/// TEMPORARY test-only loader (RMC + GGA by time) until the shared NMEA pipeline replaces it.
/// </summary>
public static class DriveData
{
    /// <summary>Relative path of the drive under ../shared/data.</summary>
    public const string DrivePath = "drives/garmin-drive-2005.nmea";

    private static Fix[]? _cache;

    /// <summary>Every epoch of the drive with a valid fix, in file order; null when ../shared is absent.</summary>
    public static Fix[]? LoadFixes()
    {
        if (_cache is not null)
        {
            return (Fix[])_cache.Clone();
        }

        string? path = SharedData.File(DrivePath);
        if (path is null)
        {
            return null;
        }

        var fixes = new List<Fix>();
        Fix pending = default;
        bool havePending = false;
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            int star = line.IndexOf('*');
            if (!line.StartsWith('$') || star < 0)
            {
                continue;
            }

            string[] f = line[1..star].Split(',');
            if (f[0] == "GPRMC" && f[2] == "A")
            {
                if (havePending)
                {
                    fixes.Add(pending);
                }

                int hh = int.Parse(f[1][..2]), mm = int.Parse(f[1][2..4]), ss = int.Parse(f[1][4..6]);
                int day = int.Parse(f[9][..2]), mon = int.Parse(f[9][2..4]), yy = 2000 + int.Parse(f[9][4..6]);
                long t = new DateTimeOffset(yy, mon, day, hh, mm, ss, TimeSpan.Zero).ToUnixTimeMilliseconds();
                pending = Fix.Create(t, Coord(f[3], f[4]), Coord(f[5], f[6]));
                pending.SpeedMmps = (int)Math.Round(decimal.Parse(f[7], System.Globalization.CultureInfo.InvariantCulture) * 1852000m / 3600m);
                pending.CourseCdeg = (int)Math.Round(decimal.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture) * 100m);
                havePending = true;
            }
            else if (f[0] == "GPGGA" && havePending && f[6] != "0")
            {
                pending.AltCm = (int)Math.Round(decimal.Parse(f[9], System.Globalization.CultureInfo.InvariantCulture) * 100m);
                pending.HdopX100 = (int)Math.Round(decimal.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture) * 100m);
                pending.Satellites = int.Parse(f[7]);
                pending.Mode = FixMode.ThreeD;
            }
        }

        if (havePending)
        {
            fixes.Add(pending);
        }

        _cache = fixes.ToArray();
        return (Fix[])_cache.Clone();
    }

    private static int Coord(string value, string hemisphere)
    {
        decimal v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        decimal deg = Math.Floor(v / 100m);
        decimal e7 = Math.Round((deg + ((v - (deg * 100m)) / 60m)) * 10_000_000m);
        return (int)(hemisphere is "S" or "W" ? -e7 : e7);
    }
}
