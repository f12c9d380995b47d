using System.Reflection;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>The clone's cloud/ folder, recorded at build time (the test binaries may live under an artifacts path).</summary>
public static class CloudDir
{
    /// <summary>cloud/ of the clone the tests were built from.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        foreach (AssemblyMetadataAttribute meta in typeof(CloudDir).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (meta is { Key: "TrackerCloudDir", Value: { Length: > 0 } built })
            {
                return built;
            }
        }

        throw new InvalidOperationException("The test assembly lacks its TrackerCloudDir metadata.");
    }
}
