using Tracker.Core.Fixes;

namespace Tracker.Core.Tests;

/// <summary>
/// The three-hour drive in ../shared/data/drives, read in place through the firmware's own NMEA
/// reader. Null when ../shared is absent.
/// </summary>
public static class DriveData
{
    /// <summary>Relative path of the drive under ../shared/data.</summary>
    public const string DrivePath = "drives/garmin-drive-2005.nmea";

    private static Fix[]? _cache;

    /// <summary>Every epoch of the drive with a valid fix, in order; null when ../shared is absent.</summary>
    public static Fix[]? LoadFixes()
    {
        if (_cache is null)
        {
            string? path = SharedData.File(DrivePath);
            if (path is null)
            {
                return null;
            }

            _cache = Nmea.GpsdCorpus.Read(File.ReadAllBytes(path)).ToArray();
        }

        return (Fix[])_cache.Clone();
    }
}
