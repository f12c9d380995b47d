using System.Reflection;

namespace Tracker.Testing;

/// <summary>The clone the tests were built from (the test binaries may live elsewhere, in an artifacts path).</summary>
public static class Repository
{
    /// <summary>The clone's root, the folder with Tracker.sln.</summary>
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TrackerRepositoryRoot").Value!;

    /// <summary>A path under the root.</summary>
    /// <param name="parts">Path segments under the root.</param>
    /// <returns>The full path.</returns>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
