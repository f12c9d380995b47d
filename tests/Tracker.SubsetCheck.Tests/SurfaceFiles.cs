using Tracker.Testing;

namespace Tracker.SubsetCheck.Tests;

/// <summary>The real surface list (read in place from ../shared) and small hand-written ones.</summary>
public static class SurfaceFiles
{
    /// <summary>
    /// What every snippet references on its own: System.Object and its constructor, and the
    /// Debuggable attribute the compiler puts on a debug build. All are on the device.
    /// </summary>
    public static readonly string[] Baseline =
    [
        "T:System.Object",
        "M:System.Object.#ctor",
        "T:System.Diagnostics.DebuggableAttribute",
        "T:System.Diagnostics.DebuggableAttribute.DebuggingModes",
        "M:System.Diagnostics.DebuggableAttribute.#ctor(System.Diagnostics.DebuggableAttribute.DebuggingModes)",
    ];

    /// <summary>The real nanoframework-api-surface.tsv in ../shared/reference, or null when ../shared is not beside the clone.</summary>
    public static string? Real { get; } = SharedFolder.ReferenceFile(RealName);

    /// <summary>The surface list's path under ../shared.</summary>
    public const string RealRelative = "reference/" + RealName;

    private const string RealName = "nanoframework-api-surface.tsv";

    /// <summary>
    /// Writes a surface TSV with <see cref="Baseline"/> plus <paramref name="ids"/> into
    /// <paramref name="directory"/>. An id without an assembly column is in mscorlib; write
    /// "id\tassembly" for another.
    /// </summary>
    public static string WriteTiny(string directory, params string[] ids)
    {
        string path = Path.Combine(directory, "tiny-surface.tsv");
        File.WriteAllLines(path, ["# a test surface", .. Baseline.Concat(ids).Select(id => id.Contains('\t', StringComparison.Ordinal) ? id : id + "\tmscorlib")]);
        return path;
    }

    /// <summary>The real nanoframework-package-deps.tsv in ../shared/reference, or null when ../shared is not beside the clone.</summary>
    public static string? RealPackageDeps { get; } = SharedFolder.ReferenceFile(RealPackageDepsName);

    /// <summary>The package dependency list's path under ../shared.</summary>
    public const string RealPackageDepsRelative = "reference/" + RealPackageDepsName;

    private const string RealPackageDepsName = "nanoframework-package-deps.tsv";
}

/// <summary>A fact that needs the real surface and package dependency lists; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealPackageListsFactAttribute : FactAttribute
{
    /// <summary>Skips unless both lists are found.</summary>
    public RealPackageListsFactAttribute()
    {
        if ((SharedFolder.SkipReason(SurfaceFiles.RealRelative) ?? SharedFolder.SkipReason(SurfaceFiles.RealPackageDepsRelative)) is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs the real surface and package dependency lists; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealPackageListsTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless both lists are found.</summary>
    public RealPackageListsTheoryAttribute()
    {
        if ((SharedFolder.SkipReason(SurfaceFiles.RealRelative) ?? SharedFolder.SkipReason(SurfaceFiles.RealPackageDepsRelative)) is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs the real surface list; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealSurfaceFactAttribute : FactAttribute
{
    /// <summary>Skips unless the real surface list is found.</summary>
    public RealSurfaceFactAttribute()
    {
        if (SharedFolder.SkipReason(SurfaceFiles.RealRelative) is { } reason)
        {
            Skip = reason;
        }
    }
}
