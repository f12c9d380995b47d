namespace Tracker.Testing;

/// <summary>
/// <c>../shared</c> beside the clone: gpsd's captures and the drive (<c>data/</c>) and the nanoFramework API surface
/// (<c>reference/</c>), read in place, never copied. A user's clone has none of it, so tests that read it skip, saying
/// so, everywhere (CI included: CI has ../shared, and .ci/run says so when it does not).
/// </summary>
public static class SharedFolder
{
    /// <summary>The one reason every test that needs ../shared gives when it is absent.</summary>
    public const string AbsentReason = "../shared not beside the clone (gpsd captures, the drive, the nanoFramework API surface)";

    /// <summary>../shared, or null when it is not beside the clone (TRACKER_SHARED_DATA may point at its data/ folder).</summary>
    public static string? Root { get; } = Find();

    /// <summary>A file under ../shared/data, or null when absent.</summary>
    /// <param name="relative">The path under data/.</param>
    /// <returns>The full path, or null.</returns>
    public static string? DataFile(string relative) => Existing(Path.Combine("data", relative));

    /// <summary>A file under ../shared/reference, or null when absent.</summary>
    /// <param name="relative">The path under reference/.</param>
    /// <returns>The full path, or null.</returns>
    public static string? ReferenceFile(string relative) => Existing(Path.Combine("reference", relative));

    /// <summary>Why a test that reads ../shared/<paramref name="relative"/> is skipped, or null when the file is there.</summary>
    /// <param name="relative">The path under ../shared (data/..., reference/...).</param>
    /// <returns>The reason, or null.</returns>
    public static string? SkipReason(string relative) =>
        Root is null ? AbsentReason
        : Existing(relative) is null ? "../shared/" + relative.Replace('\\', '/') + " is missing"
        : null;

    private static string? Existing(string relative)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.Combine(Root, relative);
        return File.Exists(path) ? path : null;
    }

    private static string? Find()
    {
        string? data = Environment.GetEnvironmentVariable("TRACKER_SHARED_DATA");
        if (!string.IsNullOrEmpty(data) && Directory.Exists(data))
        {
            return Path.GetFullPath(Path.Combine(data, ".."));
        }

        string beside = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared"));
        return Directory.Exists(beside) ? beside : null;
    }
}
