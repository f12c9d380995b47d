namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// NFSUB005 to NFSUB007: a use must come from a package the project lists, every listed package's
/// dependencies must be listed too, and the .nfproj must reference what packages.config lists. The
/// package dependencies here are hand-written from the packages' .nuspec facts
/// (reference/nanoframework-package-deps.tsv holds the same).
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string[] Dependencies =
    [
        "nanoFramework.CoreLibrary\t-",
        "nanoFramework.Runtime.Events\tnanoFramework.CoreLibrary",
        "nanoFramework.Runtime.Native\tnanoFramework.CoreLibrary",
        "nanoFramework.System.Text\tnanoFramework.CoreLibrary",
        "nanoFramework.System.Threading\tnanoFramework.CoreLibrary",
        "nanoFramework.System.Collections\tnanoFramework.CoreLibrary",
        "nanoFramework.System.IO.Streams\tnanoFramework.CoreLibrary,nanoFramework.System.Text",
        "nanoFramework.System.Net\tnanoFramework.CoreLibrary,nanoFramework.Runtime.Events,nanoFramework.System.Text,nanoFramework.System.Threading,nanoFramework.System.IO.Streams",
        "nanoFramework.M2Mqtt\tnanoFramework.CoreLibrary,nanoFramework.Runtime.Events,nanoFramework.Runtime.Native,nanoFramework.System.Collections,nanoFramework.System.Net",
    ];

    /// <summary>The M2Mqtt application's packages, as Tracker.Device listed them before System.Collections was added.</summary>
    internal static readonly string[] M2MqttWithoutCollections =
    [
        "nanoFramework.CoreLibrary 1.17.11",
        "nanoFramework.M2Mqtt 5.1.220",
        "nanoFramework.Runtime.Events 1.11.39",
        "nanoFramework.Runtime.Native 1.7.11",
        "nanoFramework.System.IO.Streams 1.1.96",
        "nanoFramework.System.Net 1.11.60",
        "nanoFramework.System.Text 1.3.42",
        "nanoFramework.System.Threading 1.1.52",
    ];

    private const string EncodingSource = """
        namespace N
        {
            public static class Status
            {
                public static byte[] Will() { return System.Text.Encoding.UTF8.GetBytes("offline"); }
            }
        }
        """;

    private static readonly string[] EncodingSurface =
    [
        "T:System.Text.Encoding\tnanoFramework.System.Text",
        "M:System.Text.Encoding.get_UTF8\tnanoFramework.System.Text",
        "M:System.Text.Encoding.GetBytes(System.String)\tnanoFramework.System.Text",
        "T:System.Byte",
    ];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracker-subsetcheck-tests", Guid.NewGuid().ToString("N"));

    public PackageTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingSystemText_FailsWithAMessageNamingThePackageToAdd()
    {
        using var snippet = CompiledSnippet.Compile(EncodingSource);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            AssemblyPath = snippet.AssemblyPath,
            SurfacePath = SurfaceFiles.WriteTiny(snippet.Directory, EncodingSurface),
            PackagesConfigPath = WritePackages("core", "nanoFramework.CoreLibrary 1.17.11"),
        });

        SubsetViolation[] found = [.. report.Violations.Where(v => v.Rule == SubsetRule.PackageNotListed)];
        Assert.NotEmpty(found);
        Assert.All(found, v => Assert.Equal("NFSUB005", v.Code));
        Assert.Contains(found, v => v.Subject == "M:System.Text.Encoding.get_UTF8");
        Assert.All(found, v => Assert.Contains("add <package id=\"nanoFramework.System.Text\"", v.Message, StringComparison.Ordinal));
        Assert.All(found, v => Assert.Equal("N.Status.Will", v.Where));
    }

    [Fact]
    public void ListedSystemText_Passes()
    {
        using var snippet = CompiledSnippet.Compile(EncodingSource);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            AssemblyPath = snippet.AssemblyPath,
            SurfacePath = SurfaceFiles.WriteTiny(snippet.Directory, EncodingSurface),
            PackagesConfigPath = WritePackages("text", "nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Text 1.3.42"),
            PackageDependenciesPath = WriteDependencies(),
        });

        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.Message)));
        Assert.Contains("their assemblies checked against", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSystemCollections_UnderM2Mqtt_FailsWithAMessageNamingThePackageToAdd()
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            PackagesConfigPath = WritePackages("app", M2MqttWithoutCollections),
            PackageDependenciesPath = WriteDependencies(),
        });

        SubsetViolation v = Assert.Single(report.Violations);
        Assert.Equal("NFSUB006", v.Code);
        Assert.Equal(
            "nanoFramework.M2Mqtt needs nanoFramework.System.Collections, which packages.config does not list: add <package id=\"nanoFramework.System.Collections\" version=\"...\" targetFramework=\"netnano1.0\" /> (a packages.config restore does not bring dependencies in, and the device refuses an application that lacks an assembly its assemblies need)",
            v.Message);
        Assert.EndsWith("packages.config", v.Location!.Path, StringComparison.Ordinal);
        Assert.Equal(4, v.Location.Line);
    }

    [Fact]
    public void MissingSystemCollections_ForAHashtable_FailsWithAMessageNamingThePackageToAdd()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public static class Cache
                {
                    public static object Make() { return new System.Collections.Hashtable(); }
                }
            }
            """);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            AssemblyPath = snippet.AssemblyPath,
            SurfacePath = SurfaceFiles.WriteTiny(
                snippet.Directory,
                "T:System.Collections.Hashtable\tnanoFramework.System.Collections",
                "M:System.Collections.Hashtable.#ctor\tnanoFramework.System.Collections"),
            PackagesConfigPath = WritePackages("core", "nanoFramework.CoreLibrary 1.17.11"),
        });

        SubsetViolation v = Assert.Single(report.Violations, v => v.Subject == "M:System.Collections.Hashtable.#ctor");
        Assert.Equal("NFSUB005", v.Code);
        Assert.Contains("which is in nanoFramework.System.Collections (package nanoFramework.System.Collections)", v.Message, StringComparison.Ordinal);
        Assert.Contains("add <package id=\"nanoFramework.System.Collections\"", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackageTheDependencyListDoesNotKnow_IsReported()
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            PackagesConfigPath = WritePackages("odd", "nanoFramework.CoreLibrary 1.17.11", "nanoFramework.Json 2.2.199"),
            PackageDependenciesPath = WriteDependencies(),
        });

        SubsetViolation v = Assert.Single(report.Violations);
        Assert.Equal("NFSUB006", v.Code);
        Assert.Contains("nanoFramework.Json", v.Message, StringComparison.Ordinal);
        Assert.Contains("does not know", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentDependencyList_IsReportedAsSkipped()
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            PackagesConfigPath = WritePackages("app", M2MqttWithoutCollections),
            PackageDependenciesPath = Path.Combine(_dir, "absent.tsv"),
        });

        Assert.True(report.IsClean);
        Assert.Contains("package dependency check SKIPPED", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectThatAgreesWithItsPackages_Passes()
    {
        string project = WriteProject("lib", ["nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Text 1.3.42"]);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { ProjectPaths = [project], PackageDependenciesPath = WriteDependencies() });

        Assert.True(report.IsClean, string.Join("\n", report.Violations.Select(v => v.Message)));
    }

    [Fact]
    public void ReferenceFromAnotherPackageVersion_IsReported()
    {
        string project = WriteProject("lib", ["nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Text 1.3.42"], referenceVersions: new() { ["nanoFramework.System.Text"] = "1.3.40" });

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { ProjectPaths = [project] });

        Assert.Contains(report.Violations, v => v.Code == "NFSUB007" && v.Message.Contains("the HintPath must end in packages/nanoFramework.System.Text.1.3.42/lib/nanoFramework.System.Text.dll", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Code == "NFSUB007" && v.Message.Contains("Version=1.3.40.0", StringComparison.Ordinal));
    }

    [Fact]
    public void ListedPackageWithoutAReference_AndAReferenceWithoutAPackage_AreReported()
    {
        string project = WriteProject("lib", ["nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Collections 1.5.75"], referenced: ["nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Text 1.3.42"]);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { ProjectPaths = [project] });

        Assert.Contains(report.Violations, v => v.Message.Contains("references nanoFramework.System.Text (nanoFramework.System.Text), which packages.config does not list", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Message.Contains("lists nanoFramework.System.Collections, but lib.nfproj has no <Reference Include=\"nanoFramework.System.Collections", StringComparison.Ordinal));
    }

    [Fact]
    public void ApplicationMissingItsLibrarysPackage_IsReported()
    {
        string library = WriteProject("lib", ["nanoFramework.CoreLibrary 1.17.11", "nanoFramework.System.Text 1.3.42"]);
        string app = WriteProject("app", ["nanoFramework.CoreLibrary 1.17.11"], projectReference: "../lib/lib.nfproj");

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions { ProjectPaths = [app] });

        SubsetViolation v = Assert.Single(report.Violations);
        Assert.Equal("NFSUB007", v.Code);
        Assert.Contains("app.nfproj references lib.nfproj, whose packages.config lists nanoFramework.System.Text 1.3.42; packages.config does not list it", v.Message, StringComparison.Ordinal);
        Assert.NotNull(library);
    }

    [RealPackageListsFact]
    public void RealLists_RejectTheCoreAsItWas_WhenItUsedSystemText()
    {
        using var snippet = CompiledSnippet.Compile(EncodingSource);

        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            AssemblyPath = snippet.AssemblyPath,
            SurfacePath = SurfaceFiles.Real,
            PackagesConfigPath = WritePackages("core", "nanoFramework.CoreLibrary 1.17.11"),
            PackageDependenciesPath = SurfaceFiles.RealPackageDeps,
        });

        Assert.Contains(report.Violations, v => v.Code == "NFSUB005" && v.Subject == "T:System.Text.Encoding" && v.Message.Contains("add <package id=\"nanoFramework.System.Text\"", StringComparison.Ordinal));
    }

    [RealPackageListsFact]
    public void RealLists_RejectTheDeviceAppAsItWas_WithoutSystemCollections()
    {
        SubsetReport report = SubsetChecker.Check(new SubsetCheckOptions
        {
            PackagesConfigPath = WritePackages(
                "device",
                [.. M2MqttWithoutCollections, "nanoFramework.Hardware.Esp32 1.6.42", "nanoFramework.System.Device.Gpio 1.1.64", "nanoFramework.System.Device.Wifi 1.5.149",
                 "nanoFramework.System.IO.FileSystem 1.1.93", "nanoFramework.System.IO.Ports 1.1.142"]),
            PackageDependenciesPath = SurfaceFiles.RealPackageDeps,
        });

        SubsetViolation v = Assert.Single(report.Violations);
        Assert.StartsWith("nanoFramework.M2Mqtt needs nanoFramework.System.Collections", v.Message, StringComparison.Ordinal);
    }

    private string WritePackages(string folder, params string[] packages)
    {
        string dir = Path.Combine(_dir, folder);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "packages.config");
        File.WriteAllLines(path, ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<packages>", .. packages.Select(Line), "</packages>"]);
        return path;

        static string Line(string package)
        {
            string[] parts = package.Split(' ');
            return $"  <package id=\"{parts[0]}\" version=\"{parts[1]}\" targetFramework=\"netnano1.0\" />";
        }
    }

    private string WriteDependencies()
    {
        string path = Path.Combine(_dir, "deps.tsv");
        File.WriteAllLines(path, ["# test list", .. Dependencies]);
        return path;
    }

    private string WriteProject(string name, string[] packages, string[]? referenced = null, Dictionary<string, string>? referenceVersions = null, string? projectReference = null)
    {
        WritePackages(name, packages);
        var references = new List<string>();
        foreach (string package in referenced ?? packages)
        {
            string[] parts = package.Split(' ');
            string version = referenceVersions?.GetValueOrDefault(parts[0]) ?? parts[1];
            foreach (string assembly in NanoPackages.AssembliesOf(parts[0])!)
            {
                references.Add($"""
                        <Reference Include="{assembly}, Version={version}.0, Culture=neutral, PublicKeyToken=c07d481e9758c731">
                          <HintPath>..\..\packages\{parts[0]}.{version}\lib\{assembly}.dll</HintPath>
                        </Reference>
                    """);
            }
        }

        string projectReferences = projectReference is null ? string.Empty : $"<ItemGroup><ProjectReference Include=\"{projectReference}\" /></ItemGroup>";
        string path = Path.Combine(_dir, name, name + ".nfproj");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <Project ToolsVersion="15.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
              <ItemGroup>
            {string.Join("\n", references)}
              </ItemGroup>
              {projectReferences}
            </Project>
            """);
        return path;
    }
}
