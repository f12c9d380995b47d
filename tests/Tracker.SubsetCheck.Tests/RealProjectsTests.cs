namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// Every .nfproj in the repository (the core, the device app, the on-device tests) agrees with its
/// packages.config, lists every package its packages depend on, and an application lists its
/// libraries' packages at the same versions. The host builds run the same check; this test names
/// each project.
/// </summary>
public sealed class RealProjectsTests
{
    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (string project in ProjectPaths())
        {
            data.Add(project);
        }

        return data;
    }

    private static string[] ProjectPaths() =>
    [
        .. Directory.EnumerateFiles(Repository.Root, "*.nfproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Repository.Root, p))
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void TheRepository_HasTheThreeNanoFrameworkProjects()
    {
        Assert.Equal(
            ["firmware/Tracker.Core/Tracker.Core.nfproj", "firmware/Tracker.Device/Tracker.Device.nfproj", "tests/Tracker.Device.Tests/Tracker.Device.Tests.nfproj"],
            ProjectPaths());
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_AgreesWithItsPackages(string project)
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            ProjectPaths = [Repository.Path(project)],
            PackageDependenciesPath = SurfaceFiles.RealPackageDeps,
        });

        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(project))));
    }

    [Fact]
    public void TheCore_ListsCoreLibraryAlone()
    {
        PackagesConfig config = PackagesConfig.Load(Repository.Path("firmware/Tracker.Core/packages.config"));

        Assert.Equal(["nanoFramework.CoreLibrary"], config.Ids);
        Assert.Equal("1.17.11", config.VersionOf("nanoFramework.CoreLibrary"));
    }

    [Fact]
    public void TheDeviceApp_ListsSystemCollections_ForM2Mqtt()
    {
        PackagesConfig config = PackagesConfig.Load(Repository.Path("firmware/Tracker.Device/packages.config"));

        Assert.True(config.Lists("nanoFramework.M2Mqtt"));
        Assert.True(config.Lists("nanoFramework.System.Collections"));
    }
}
