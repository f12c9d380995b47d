namespace Tracker.SubsetCheck;

/// <summary>What <see cref="SubsetChecker.Check"/> found in one assembly.</summary>
public sealed class SubsetReport
{
    internal SubsetReport(
        string assemblyPath,
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

    /// <summary>The checked assembly.</summary>
    public string AssemblyPath { get; }

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

    /// <summary>A one-line summary for the build log.</summary>
    public string Summary
    {
        get
        {
            string name = Path.GetFileName(AssemblyPath);
            string surface = SurfaceChecked
                ? $"{TypeReferencesChecked} type refs and {MemberReferencesChecked} member refs checked against {SurfacePath} ({SurfaceEntries} entries)"
                : $"API surface check SKIPPED: {SurfaceSkippedReason}";
            string verdict = IsClean ? "no violations" : $"{Violations.Count} violation(s)";
            return $"nanoFramework 1.x subset check of {name}: {verdict} (generics and multi-dimensional arrays checked; {surface}).";
        }
    }
}
