using System.Reflection;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Paths in the repository, found from where the tests were built.</summary>
internal static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TrackerRepositoryRoot").Value!;

    public static string InfraDir => Path.Combine(Root, "cloud", "Tracker.Cloud.Infra");

    public static string CostModelDoc => Path.Combine(Root, "docs", "aws", "cost-model.md");
}
