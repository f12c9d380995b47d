namespace Tracker.Cloud.Infra.Tests;

/// <summary>The paths these tests read, in the clone the tests were built from (tests/Tracker.Testing's <see cref="Tracker.Testing.Repository"/>).</summary>
internal static class Repository
{
    public static string Root => Tracker.Testing.Repository.Root;

    public static string InfraDir => Path.Combine(Root, "cloud", "Tracker.Cloud.Infra");

    public static string CostModelDoc => Path.Combine(Root, "docs", "aws", "cost-model.md");
}
