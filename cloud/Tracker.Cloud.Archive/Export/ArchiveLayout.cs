using System.Globalization;
using System.Text.RegularExpressions;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// Where a day's objects go, relative to the sink's root (the S3 prefix, <c>fixes/</c> by default):
/// <c>dt=2025-06-10/part-00000.parquet</c>, <c>part-00001.parquet</c>... and <c>dt=2025-06-10/_manifest.json</c>.
/// The names depend only on the day and the part's position, so exporting a day again overwrites
/// its objects instead of adding copies. The folder is the Hive partition <c>dt=yyyy-MM-dd</c> that the
/// Glue table's <c>storage.location.template</c> names. Athena skips objects whose name starts with an
/// underscore (Athena user guide, "Table location in Amazon S3"), so the manifest is never read as data.
/// </summary>
public static partial class ArchiveLayout
{
    /// <summary>The manifest's file name in a day's folder.</summary>
    public const string ManifestFileName = "_manifest.json";

    /// <summary>The day's folder, <c>dt=yyyy-MM-dd/</c>.</summary>
    /// <param name="day">The UTC day.</param>
    public static string DayFolder(DateOnly day) => "dt=" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";

    /// <summary>A part file's name, <c>part-00000.parquet</c>.</summary>
    /// <param name="index">The part's position, from 0.</param>
    public static string PartFileName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 99_999);
        return "part-" + index.ToString("D5", CultureInfo.InvariantCulture) + ".parquet";
    }

    /// <summary>A part file's key, <c>dt=yyyy-MM-dd/part-00000.parquet</c>.</summary>
    /// <param name="day">The UTC day.</param>
    /// <param name="index">The part's position, from 0.</param>
    public static string PartKey(DateOnly day, int index) => DayFolder(day) + PartFileName(index);

    /// <summary>The day's manifest key, <c>dt=yyyy-MM-dd/_manifest.json</c>.</summary>
    /// <param name="day">The UTC day.</param>
    public static string ManifestKey(DateOnly day) => DayFolder(day) + ManifestFileName;

    /// <summary>True when <paramref name="key"/> is a part file of <paramref name="day"/> (written by this exporter, now or before).</summary>
    /// <param name="day">The UTC day.</param>
    /// <param name="key">A key relative to the sink's root.</param>
    public static bool IsPartKey(DateOnly day, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string folder = DayFolder(day);
        return key.StartsWith(folder, StringComparison.Ordinal) && PartName().IsMatch(key.AsSpan(folder.Length));
    }

    [GeneratedRegex(@"^part-[0-9]{5}\.parquet$", RegexOptions.CultureInvariant)]
    private static partial Regex PartName();
}
