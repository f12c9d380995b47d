
namespace Tracker.Testing;

/// <summary>
/// ../shared/data beside the clone, read in place, never copied; found by <see cref="SharedFolder"/> in
/// tests/Tracker.Testing, whose one rule skips a test that needs it, saying so, when it is absent (a user's clone).
/// </summary>
public static class SharedData
{
    /// <summary>The shared data folder, or null when ../shared is not beside the clone.</summary>
    public static string? Root { get; } = SharedFolder.Root is { } root && Directory.Exists(Path.Combine(root, "data")) ? Path.Combine(root, "data") : null;

    /// <summary>Path of a file under ../shared/data, or null when it is absent.</summary>
    public static string? File(string relative) => SharedFolder.DataFile(relative);
}

/// <summary>A fact that needs a file under ../shared/data; skipped, with the reason, when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Skips unless ../shared/data/<paramref name="relative"/> exists.</summary>
    public SharedDataFactAttribute(string relative)
    {
        if (SharedFolder.SkipReason("data/" + relative) is { } reason)
        {
            Skip = reason;
        }
    }
}
