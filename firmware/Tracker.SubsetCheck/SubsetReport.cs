namespace Tracker.SubsetCheck;

/// <summary>What <see cref="SubsetChecker.Check(SubsetCheckOptions)"/> found in one assembly or project.</summary>
public sealed class SubsetReport
{
    internal SubsetReport(
        string? assemblyPath,
        IReadOnlyList<SubsetViolation> violations,
        string? surfacePath,
        int surfaceEntries,
        int typeReferencesChecked,
        int memberReferencesChecked)
    {
        AssemblyPath = assemblyPath;
        Violations = violations;
        SurfacePath = surfacePath;
        SurfaceEntries = surfaceEntries;
        TypeReferencesChecked = typeReferencesChecked;
        MemberReferencesChecked = memberReferencesChecked;
    }

    /// <summary>The checked assembly, or null when only a project's packages were checked.</summary>
    public string? AssemblyPath { get; }

    /// <summary>Every violation, in a stable order (by rule, then by user, then by subject).</summary>
    public IReadOnlyList<SubsetViolation> Violations { get; }

    /// <summary>The surface list that references were checked against; null when that check was skipped.</summary>
    public string? SurfacePath { get; }

    /// <summary>True when type and member references were checked against the surface list.</summary>
    public bool SurfaceChecked => SurfacePath is not null;

    /// <summary>Entries read from the surface list (0 when skipped).</summary>
    public int SurfaceEntries { get; }

    /// <summary>Type references looked up in the surface list (0 when skipped).</summary>
    public int TypeReferencesChecked { get; }

    /// <summary>Member references looked up in the surface list (0 when skipped).</summary>
    public int MemberReferencesChecked { get; }

    /// <summary>True when nothing was found.</summary>
    public bool IsClean => Violations.Count == 0;

    /// <summary>Why the surface check did not run, or null when it ran.</summary>
    public string? SurfaceSkippedReason { get; internal init; }

    /// <summary>The packages.config checked against, or null.</summary>
    public string? PackagesConfigPath { get; internal init; }

    /// <summary>Packages it lists.</summary>
    public int PackageCount { get; internal init; }

    /// <summary>The package dependency list checked against, or null when that check did not run.</summary>
    public string? PackageDependenciesPath { get; internal init; }

    /// <summary>Why the package dependency check did not run (with a packages.config), or null.</summary>
    public string? PackageDependenciesSkippedReason { get; internal init; }

    /// <summary>The .nfproj files whose references and packages were checked.</summary>
    public IReadOnlyList<string> ProjectPaths { get; internal init; } = [];

    /// <summary>A one-line summary for the build log.</summary>
    public string Summary
    {
        get
        {
            string verdict = IsClean ? "no violations" : $"{Violations.Count} violation(s)";
            var parts = new List<string>();
            if (AssemblyPath is not null)
            {
                parts.Add("generics, multi-dimensional arrays and null comparisons of array elements checked");
                parts.Add(SurfaceChecked
                    ? $"{TypeReferencesChecked} type refs and {MemberReferencesChecked} member refs checked against {SurfacePath} ({SurfaceEntries} entries)"
                    : $"API surface check SKIPPED: {SurfaceSkippedReason}");
                if (PackagesConfigPath is not null && SurfaceChecked)
                {
                    parts.Add($"their assemblies checked against {PackagesConfigPath} ({PackageCount} package{(PackageCount == 1 ? string.Empty : "s")})");
                }
            }

            if (PackagesConfigPath is not null || ProjectPaths.Count > 0)
            {
                parts.Add(PackageDependenciesPath is not null
                    ? $"package dependencies checked against {PackageDependenciesPath}"
                    : $"package dependency check SKIPPED: {PackageDependenciesSkippedReason}");
            }

            foreach (string project in ProjectPaths)
            {
                parts.Add($"{Path.GetFileName(project)} and its packages.config checked");
            }

            string name = AssemblyPath is not null ? Path.GetFileName(AssemblyPath)
                : ProjectPaths.Count > 0 ? string.Join(", ", ProjectPaths.Select(Path.GetFileName))
                : Path.GetFileName(PackagesConfigPath ?? string.Empty);
            return $"nanoFramework 1.x subset check of {name}: {verdict} ({string.Join("; ", parts)}).";
        }
    }
}
