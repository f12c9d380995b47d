namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// The real shared firmware core, as the host builds it, holds to the subset: Tracker.Core (Tracker.Core.Host) and the
/// contract assembly it builds on (Tracker.Contract: the fix, wire codec, topics, status codec and geo maths, which the
/// cloud references alone).
/// </summary>
public sealed class RealCoreTests
{
    private static readonly string[] Contract = ["Tracker.Contract"];

    private static string Core => typeof(Tracker.Core.Storage.FixLog).Assembly.Location;

    private static string ContractAssembly => typeof(Tracker.Core.Fixes.Fix).Assembly.Location;

    [Fact]
    public void TheContractTypes_LiveInTheContractAssembly_AndTheCoreBuildsOnIt()
    {
        Assert.Equal("Tracker.Contract", typeof(Tracker.Core.Fixes.Fix).Assembly.GetName().Name);
        Assert.Equal("Tracker.Contract", typeof(Tracker.Core.Wire.BatchDecoder).Assembly.GetName().Name);
        Assert.Equal("Tracker.Core", typeof(Tracker.Core.Storage.FixLog).Assembly.GetName().Name);
        Assert.Contains(typeof(Tracker.Core.Storage.FixLog).Assembly.GetReferencedAssemblies(), a => a.Name == "Tracker.Contract");
    }

    [RealSurfaceFact]
    public void TrackerCore_PassesTheSubsetCheck_AgainstTheRealSurface() => AssertCleanAgainstTheSurface(Core);

    [RealSurfaceFact]
    public void TrackerContract_PassesTheSubsetCheck_AgainstTheRealSurface() => AssertCleanAgainstTheSurface(ContractAssembly);

    [Fact]
    public void TrackerCore_HasNoGenericsOrMultiDimensionalArrays() => AssertCleanWithoutLists(Core);

    [Fact]
    public void TrackerContract_HasNoGenericsOrMultiDimensionalArrays() => AssertCleanWithoutLists(ContractAssembly);

    private static void AssertCleanAgainstTheSurface(string assembly)
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { AssemblyPath = assembly, SurfacePath = SurfaceFiles.Real, OwnAssemblies = Contract });

        Assert.True(report.SurfaceChecked);
        Assert.True(report.MemberReferencesChecked > 0);
        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(assembly))));
    }

    // Needs no list, so it runs on a fresh clone without ../shared as well.
    private static void AssertCleanWithoutLists(string assembly)
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { AssemblyPath = assembly, OwnAssemblies = Contract });

        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(assembly))));
    }
}
