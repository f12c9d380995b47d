namespace Tracker.SubsetCheck;

/// <summary>What <see cref="SubsetChecker.Check(SubsetCheckOptions)"/> checks, and against what. Every path is optional, but there must be an assembly, a packages.config or a project.</summary>
public sealed class SubsetCheckOptions
{
    /// <summary>The compiled assembly to check, or null to check only package lists and projects.</summary>
    public string? AssemblyPath { get; init; }

    /// <summary>nanoframework-api-surface.tsv; when null or absent the surface and package-assembly checks are skipped, and the report says so.</summary>
    public string? SurfacePath { get; init; }

    /// <summary>The packages.config of the assembly's project: the assembly's uses must come from packages it lists.</summary>
    public string? PackagesConfigPath { get; init; }

    /// <summary>nanoframework-package-deps.tsv; when null or absent the dependency check is skipped, and the report says so.</summary>
    public string? PackageDependenciesPath { get; init; }

    /// <summary>.nfproj files whose references must agree with the packages.config beside each, and whose packages' dependencies must be listed.</summary>
    public IReadOnlyList<string> ProjectPaths { get; init; } = [];

    /// <summary>
    /// Assemblies of this repository's own firmware (Tracker.Core, when checking the device adapters
    /// built over it): references into them are not looked up in the surface list, because they are
    /// checked on their own.
    /// </summary>
    public IReadOnlyCollection<string> OwnAssemblies { get; init; } = [];
}
