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
}
