using System.Reflection;

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

    /// <summary>The real nanoframework-api-surface.tsv, or null when ../shared is not beside the clone.</summary>
    public static string? Real { get; } = FindReal();

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

    /// <summary>The real nanoframework-package-deps.tsv beside the surface list, or null when ../shared is not beside the clone.</summary>
    public static string? RealPackageDeps { get; } = Real is null ? null : Existing(Path.Combine(Path.GetDirectoryName(Real)!, "nanoframework-package-deps.tsv"));

    private static string? Existing(string path) => File.Exists(path) ? path : null;

    private static string? FindReal()
    {
        string? env = Environment.GetEnvironmentVariable("TRACKER_SHARED_DATA");
        if (!string.IsNullOrEmpty(env))
        {
            string candidate = Path.Combine(env, "..", "reference", "nanoframework-api-surface.tsv");
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        foreach (AssemblyMetadataAttribute meta in typeof(SurfaceFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (meta.Key == "TrackerApiSurface" && meta.Value is { Length: > 0 } built && File.Exists(built))
            {
                return Path.GetFullPath(built);
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the real surface and package dependency lists; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealPackageListsFactAttribute : FactAttribute
{
    /// <summary>Skips unless both lists are found.</summary>
    public RealPackageListsFactAttribute()
    {
        if (SurfaceFiles.Real is null || SurfaceFiles.RealPackageDeps is null)
        {
            Skip = "../shared/reference (the surface and package dependency lists) is absent (fresh clone without ../shared): skipped";
        }
    }
}

/// <summary>A theory that needs the real surface and package dependency lists; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealPackageListsTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless both lists are found.</summary>
    public RealPackageListsTheoryAttribute()
    {
        if (SurfaceFiles.Real is null || SurfaceFiles.RealPackageDeps is null)
        {
            Skip = "../shared/reference (the surface and package dependency lists) is absent (fresh clone without ../shared): skipped";
        }
    }
}

/// <summary>A fact that needs the real surface list; skipped, with the reason, when ../shared is absent.</summary>
public sealed class RealSurfaceFactAttribute : FactAttribute
{
    /// <summary>Skips unless the real surface list is found.</summary>
    public RealSurfaceFactAttribute()
    {
        if (SurfaceFiles.Real is null)
        {
            Skip = "../shared/reference/nanoframework-api-surface.tsv is absent (fresh clone without ../shared): skipped";
        }
    }
}
