namespace Tracker.SubsetCheck;

/// <summary>The rule a <see cref="SubsetViolation"/> breaks; each has its own MSBuild error code.</summary>
public enum SubsetRule
{
    /// <summary>NFSUB001: a type or member that is not in the nanoFramework 1.x API surface list.</summary>
    NotInApiSurface,

    /// <summary>NFSUB002: a generic type or method is defined, instantiated or used; the 1.x runtime has no generics.</summary>
    Generic,

    /// <summary>NFSUB003: a multi-dimensional (rectangular) array; the 1.x runtime has only single-dimension arrays.</summary>
    MultiDimensionalArray,

    /// <summary>
    /// NFSUB004: a value that may come from a reference-type array element compared with null as a
    /// value (<c>ceq</c>/<c>cgt.un</c> against <c>ldnull</c>); the interpreter answers wrongly for a
    /// never-assigned slot.
    /// </summary>
    UnassignedSlotNullComparison,

    /// <summary>
    /// NFSUB005: a type or member from a nanoFramework assembly whose package the project's
    /// packages.config does not list (the surface list's assembly column says which).
    /// </summary>
    PackageNotListed,

    /// <summary>NFSUB006: a listed package's nanoFramework dependency is not listed (nanoframework-package-deps.tsv), or the package is unknown there.</summary>
    PackageDependency,

    /// <summary>NFSUB007: the .nfproj's references and its packages.config disagree.</summary>
    ProjectFile,
}
