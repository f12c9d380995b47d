namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>
/// Whether node is on PATH. The tests that start s3rver or dynalite skip, saying so, only when node
/// itself is absent (and not under CI=true, where they fail). When node is there but a server package
/// is not installed, they fail with the npm command to run: a missing install is never a silent skip.
/// </summary>
public static class Node
{
    /// <summary>The node executable, or null when it is not on PATH.</summary>
    public static string? Executable { get; } = FindOnPath("node");

    /// <summary>Why the server tests skip, or null when they run.</summary>
    public static string? SkipReason { get; } =
        Executable is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? "node is not on PATH: the s3rver and dynalite tests need node 20 (then npm ci in cloud/s3rver and cloud/dynalite). Skipped."
            : null;

    private static string? FindOnPath(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
