namespace Tracker.SubsetCheck.Tests;

/// <summary>The real shared firmware core, as built by Tracker.Core.Host, holds to the subset.</summary>
public sealed class RealCoreTests
{
    [RealSurfaceFact]
    public void TrackerCore_PassesTheSubsetCheck_AgainstTheRealSurface()
    {
        string assembly = typeof(Tracker.Core.Fixes.Fix).Assembly.Location;

        SubsetReport report = SubsetChecker.Check(assembly, SurfaceFiles.Real);

        Assert.True(report.SurfaceChecked);
        Assert.True(report.MemberReferencesChecked > 0);
        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(assembly))));
    }

    [Fact]
    public void TrackerCore_HasNoGenericsOrMultiDimensionalArrays()
    {
        // Needs no list, so it runs on a fresh clone without ../shared as well.
        string assembly = typeof(Tracker.Core.Fixes.Fix).Assembly.Location;

        SubsetReport report = SubsetChecker.Check(assembly, null);

        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(assembly))));
    }
}
