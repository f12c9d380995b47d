using System.Text.RegularExpressions;

namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// Every .nfproj in the repository (the core, the device app, the loader, the on-device tests) agrees with its
/// packages.config, lists every package its packages depend on, and an application lists its
/// libraries' packages at the same versions. The host builds run the same check; this test names
/// each project.
/// </summary>
public sealed partial class RealProjectsTests
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
    public void TheRepository_HasTheFourNanoFrameworkProjects()
    {
        Assert.Equal(
            ["firmware/Tracker.Core/Tracker.Core.nfproj", "firmware/Tracker.Device/Tracker.Device.nfproj", "firmware/Tracker.Loader/Tracker.Loader.nfproj", "tests/Tracker.Device.Tests/Tracker.Device.Tests.nfproj"],
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

    /// <summary>
    /// The device app is not compiled in CI (its libraries are not on this registry), so this is the
    /// coarse check of its source: for every namespace it imports, each type of that namespace whose
    /// name appears in the file must come from an assembly (the surface list's assembly column) that
    /// a package in packages.config ships. System.Device.Wifi is not in the surface list; its package
    /// is named here.
    /// </summary>
    [RealPackageListsTheory]
    [InlineData("firmware/Tracker.Device")]
    [InlineData("firmware/Tracker.Loader")]
    [InlineData("tests/Tracker.Device.Tests")]
    public void TypesTheDeviceSourceUses_ComeFromListedPackages(string folder)
    {
        (string Namespace, string Name, string Assembly)[] types =
        [
            .. File.ReadLines(SurfaceFiles.Real!)
                .Where(l => l.StartsWith("T:", StringComparison.Ordinal))
                .Select(l => l.Split('\t'))
                .Select(t => (Id: t[0][2..], Assembly: t[1]))
                .Select(t => (t.Id[..Math.Max(0, t.Id.LastIndexOf('.'))], t.Id[(t.Id.LastIndexOf('.') + 1)..], t.Assembly)),
        ];
        var notInSurface = new Dictionary<string, string>(StringComparer.Ordinal) { ["System.Device.Wifi"] = "nanoFramework.System.Device.Wifi" };
        PackagesConfig config = PackagesConfig.Load(Repository.Path(folder + "/packages.config"));
        var missing = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Repository.Path(folder), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            var words = new HashSet<string>(Word().Matches(text).Select(m => m.Value), StringComparer.Ordinal);
            foreach (Match directive in UsingDirective().Matches(text))
            {
                string ns = directive.Groups[1].Value;
                if (ns.StartsWith("Tracker.", StringComparison.Ordinal))
                {
                    continue;
                }

                if (notInSurface.TryGetValue(ns, out string? package))
                {
                    if (!config.Lists(package))
                    {
                        missing.Add($"{Path.GetFileName(file)}: using {ns} needs {package}");
                    }

                    continue;
                }

                string[] used = [.. types.Where(t => t.Namespace == ns && words.Contains(t.Name)).Select(t => t.Assembly).Distinct()];
                string[] any = [.. types.Where(t => t.Namespace == ns).Select(t => t.Assembly).Distinct()];
                string[] needed = used.Length > 0 ? used : any;
                if (needed.Length == 0)
                {
                    missing.Add($"{Path.GetFileName(file)}: using {ns}, a namespace the surface list does not have");
                }
                else if (used.Length > 0 ? !used.All(config.Provides) : !any.Any(config.Provides))
                {
                    missing.Add($"{Path.GetFileName(file)}: using {ns} ({string.Join(", ", needed.Where(a => !config.Provides(a)))})");
                }
            }
        }

        Assert.True(missing.Count == 0, "no listed package provides:\n" + string.Join("\n", missing));
    }

    [GeneratedRegex(@"^\s*using\s+([A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex Word();

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
