using System.Reflection;

namespace Tracker.SubsetCheck.Tests;

/// <summary>Where this clone (tests/Tracker.Testing) and the device's mscorlib.dll were at build time (assembly metadata written by the .csproj).</summary>
public static class Repository
{
    /// <summary>The clone's root folder.</summary>
    public static string Root => Tracker.Testing.Repository.Root;

    /// <summary>nanoFramework.CoreLibrary 1.17.11's lib/mscorlib.dll, restored from the registry.</summary>
    public static string NanoMscorlib { get; } = Metadata("TrackerNanoMscorlib");

    /// <summary>The build configuration these tests were built in (Debug or Release).</summary>
    public static string Configuration { get; } = Metadata("TrackerConfiguration");

    /// <summary>A path below the root, with '/' separators.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}
