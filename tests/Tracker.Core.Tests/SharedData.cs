namespace Tracker.Core.Tests;

/// <summary>
/// Locates ../shared/data beside the clone. The data is read in place, never copied; tests that
/// need it skip when it is absent, as on a user's fresh clone.
/// </summary>
public static class SharedData
{
    /// <summary>The shared data folder, or null when ../shared is not beside the clone.</summary>
    public static string? Root { get; } = Find();

    /// <summary>Path of a file under ../shared/data, or null when it is absent.</summary>
    public static string? File(string relative)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.Combine(Root, relative);
        return System.IO.File.Exists(path) ? path : null;
    }

    private static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("TRACKER_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        foreach (var meta in typeof(SharedData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
        {
            if (meta is System.Reflection.AssemblyMetadataAttribute { Key: "TrackerSharedData", Value: { Length: > 0 } built } && Directory.Exists(built))
            {
                return Path.GetFullPath(built);
            }
        }

        // Walk up from the test binary to the clone's root (the folder with Tracker.sln).
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Tracker.sln")))
            {
                string candidate = Path.Combine(dir.FullName, "..", "shared", "data");
                return Directory.Exists(candidate) ? Path.GetFullPath(candidate) : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs a file under ../shared/data; it is skipped, with the reason, when the file is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Skips unless ../shared/data/<paramref name="relative"/> exists.</summary>
    public SharedDataFactAttribute(string relative)
    {
        if (SharedData.File(relative) is null)
        {
            Skip = $"../shared/data/{relative} is absent (fresh clone without ../shared): skipped";
        }
    }
}
