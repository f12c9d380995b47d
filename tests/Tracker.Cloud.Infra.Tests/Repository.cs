using System.Reflection;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Paths in the repository, found from where the tests were built.</summary>
internal static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TrackerRepositoryRoot").Value!;

    public static string InfraDir => Path.Combine(Root, "cloud", "Tracker.Cloud.Infra");

    public static string CostModelDoc => Path.Combine(Root, "docs", "aws", "cost-model.md");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The node executable on PATH, or null.</summary>
    public static string? Node { get; } = FindOnPath("node");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
