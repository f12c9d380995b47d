using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Tracker.SubsetCheck;

/// <summary>
/// What a nanoFramework project's package list must hold for the device to load the application:
/// every package its packages depend on (NFSUB006), and agreement between packages.config and the
/// project file's references (NFSUB007). A packages.config restore brings in only what it lists, and
/// the device refuses an application whose deployment lacks an assembly one of its assemblies needs
/// ("Assembly: nanoFramework.M2Mqtt needs assembly 'nanoFramework.System.Collections'").
/// </summary>
public static class PackageRules
{
    private const string Why = "a packages.config restore does not bring dependencies in, and the device refuses an application that lacks an assembly its assemblies need";

    /// <summary>Every listed package's nanoFramework dependencies must be listed too.</summary>
    /// <param name="config">The project's packages.config.</param>
    /// <param name="dependencies">nanoframework-package-deps.tsv.</param>
    /// <returns>One violation per missing dependency, and one per package the list does not know.</returns>
    public static IReadOnlyList<SubsetViolation> CheckDependencies(PackagesConfig config, PackageDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dependencies);
        var violations = new List<SubsetViolation>();
        string file = Path.GetFileName(config.Path);
        foreach (string id in config.Ids)
        {
            IReadOnlyList<string>? needs = dependencies.Of(id);
            if (needs is null)
            {
                violations.Add(new SubsetViolation(
                    SubsetRule.PackageDependency,
                    file,
                    id,
                    $"{file} lists {id}, which {Path.GetFileName(dependencies.Path)} does not know, so its dependencies cannot be checked: add the package and its nanoFramework dependencies (from its .nuspec) to that list",
                    config.LocationOf(id)));
                continue;
            }

            foreach (string need in needs)
            {
                if (!config.Lists(need))
                {
                    violations.Add(new SubsetViolation(
                        SubsetRule.PackageDependency,
                        file,
                        id + " -> " + need,
                        $"{id} needs {need}, which {file} does not list: add {PackagesConfig.LineFor(need)} ({Why})",
                        config.LocationOf(id)));
                }
            }
        }

        return violations;
    }

    /// <summary>
    /// The project file and its packages.config must agree: each listed package's assemblies are
    /// referenced from that package's folder at the listed version, nothing else is referenced, and
    /// the packages of each referenced .nfproj are listed here at the same versions (the application's
    /// deployment holds every assembly it and its libraries load).
    /// </summary>
    /// <param name="projectPath">The .nfproj.</param>
    /// <param name="config">Its packages.config.</param>
    /// <returns>The disagreements.</returns>
    /// <exception cref="SubsetCheckInputException">The project or a referenced project's packages.config cannot be read.</exception>
    public static IReadOnlyList<SubsetViolation> CheckProject(string projectPath, PackagesConfig config)
    {
        ArgumentNullException.ThrowIfNull(projectPath);
        ArgumentNullException.ThrowIfNull(config);
        XDocument project = LoadProject(projectPath);
        string name = Path.GetFileName(projectPath);
        var location = new SourceLocation(Path.GetFullPath(projectPath), 1, 1);
        var violations = new List<SubsetViolation>();
        var referenced = new HashSet<string>(StringComparer.Ordinal);

        foreach (XElement reference in project.Descendants().Where(e => e.Name.LocalName == "Reference"))
        {
            string include = (string?)reference.Attribute("Include") ?? string.Empty;
            string assembly = include.Split(',')[0].Trim();
            var here = new SourceLocation(location.Path, ((IXmlLineInfo)reference).LineNumber, 1);
            referenced.Add(assembly);
            string? package = NanoPackages.PackageOf(assembly);
            if (package is null || !config.Lists(package))
            {
                string which = package is null ? "no nanoFramework package this checker knows" : package;
                violations.Add(new SubsetViolation(
                    SubsetRule.ProjectFile,
                    name,
                    assembly,
                    $"{name} references {assembly} ({which}), which {Path.GetFileName(config.Path)} does not list: list the package, or drop the reference",
                    here));
                continue;
            }

            string version = config.VersionOf(package)!;
            string? hint = reference.Elements().FirstOrDefault(e => e.Name.LocalName == "HintPath")?.Value.Replace('\\', '/');
            string expectedFolder = "packages/" + package + "." + version + "/lib/";
            // The test framework's launcher is an executable, referenced as Version=0.0.0.0 (TestFramework's samples).
            string extension = IsLauncher(assembly) ? ".exe" : ".dll";
            if (hint is null || !hint.Contains(expectedFolder, StringComparison.Ordinal)
                || !hint.EndsWith("/" + assembly + extension, StringComparison.Ordinal))
            {
                violations.Add(new SubsetViolation(
                    SubsetRule.ProjectFile,
                    name,
                    assembly + " hint",
                    $"{name} takes {assembly} from '{hint ?? "(no HintPath)"}', but {Path.GetFileName(config.Path)} lists {package} {version}: the HintPath must end in {expectedFolder}{assembly}{extension}",
                    here));
            }

            string? declared = include.Split(',').Select(p => p.Trim())
                .FirstOrDefault(p => p.StartsWith("Version=", StringComparison.Ordinal))?["Version=".Length..];
            if (!IsLauncher(assembly) && (declared is null || !SameRelease(declared, version)))
            {
                violations.Add(new SubsetViolation(
                    SubsetRule.ProjectFile,
                    name,
                    assembly + " version",
                    $"{name} references {assembly} Version={declared ?? "(none)"}, but {Path.GetFileName(config.Path)} lists {package} {version}: the reference's version must be the package's",
                    here));
            }
        }

        foreach (string id in config.Ids)
        {
            IReadOnlyList<string>? assemblies = NanoPackages.AssembliesOf(id);
            if (assemblies is null)
            {
                continue;
            }

            foreach (string assembly in assemblies)
            {
                if (!referenced.Contains(assembly) && !IsLauncher(assembly))
                {
                    violations.Add(new SubsetViolation(
                        SubsetRule.ProjectFile,
                        name,
                        assembly + " missing",
                        $"{Path.GetFileName(config.Path)} lists {id}, but {name} has no <Reference Include=\"{assembly}, Version=...\"> with its HintPath: the build would not deploy {assembly}.pe",
                        config.LocationOf(id)));
                }
            }
        }

        foreach (XElement projectReference in project.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            string include = ((string?)projectReference.Attribute("Include") ?? string.Empty).Replace('\\', '/');
            if (!include.EndsWith(".nfproj", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string other = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(projectPath))!, include));
            string otherConfigPath = Path.Combine(Path.GetDirectoryName(other)!, "packages.config");
            PackagesConfig otherConfig = PackagesConfig.Load(otherConfigPath);
            foreach (string id in otherConfig.Ids)
            {
                string need = otherConfig.VersionOf(id)!;
                string? have = config.VersionOf(id);
                if (have != need)
                {
                    violations.Add(new SubsetViolation(
                        SubsetRule.ProjectFile,
                        name,
                        Path.GetFileName(other) + " " + id,
                        $"{name} references {Path.GetFileName(other)}, whose packages.config lists {id} {need}; {Path.GetFileName(config.Path)} "
                            + (have is null ? "does not list it" : "lists " + have)
                            + $": list {id} {need} here too (the application's deployment holds every assembly its libraries load, at one version)",
                        config.LocationOf(id)));
                }
            }
        }

        return violations;
    }

    private static bool IsLauncher(string assembly) =>
        string.Equals(assembly, "nanoFramework.UnitTestLauncher", StringComparison.Ordinal);

    private static bool SameRelease(string assemblyVersion, string packageVersion)
    {
        // nanoFramework assembly versions are the package version plus a fourth part (0, or a build
        // number as System.Threading's 1.1.52.34401).
        string[] a = assemblyVersion.Split('.');
        string[] p = packageVersion.Split('.');
        if (a.Length < 3 || p.Length < 3)
        {
            return false;
        }

        for (int i = 0; i < 3; i++)
        {
            if (!int.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out int x)
                || !int.TryParse(p[i], NumberStyles.None, CultureInfo.InvariantCulture, out int y)
                || x != y)
            {
                return false;
            }
        }

        return true;
    }

    private static XDocument LoadProject(string path)
    {
        try
        {
            return XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new SubsetCheckInputException($"cannot read {path}: {e.Message}", e);
        }
    }
}
