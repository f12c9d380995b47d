using Tracker.Testing;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>cloud/ of the clone the tests were built from.</summary>
public static class CloudDir
{
    /// <summary>cloud/ of the clone the tests were built from.</summary>
    public static string Path { get; } = Repository.PathOf("cloud");
}
