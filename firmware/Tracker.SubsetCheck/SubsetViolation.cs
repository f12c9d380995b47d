namespace Tracker.SubsetCheck;

/// <summary>One use of something the nanoFramework 1.x subset does not allow, and where it is.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Where">The member or type that uses it, e.g. <c>Tracker.Core.Nmea.Rmc.TryParse</c>.</param>
/// <param name="Subject">What is used: a documentation ID or a type in documentation-ID form.</param>
/// <param name="Message">The full sentence shown to the developer.</param>
/// <param name="Location">The source line, when the assembly's PDB was found and the use is inside a method body.</param>
public sealed record SubsetViolation(SubsetRule Rule, string Where, string Subject, string Message, SourceLocation? Location)
{
    /// <summary>The MSBuild error code, NFSUB001 to NFSUB007, one per <see cref="SubsetRule"/>.</summary>
    public string Code => Rule switch
    {
        SubsetRule.NotInApiSurface => "NFSUB001",
        SubsetRule.Generic => "NFSUB002",
        SubsetRule.MultiDimensionalArray => "NFSUB003",
        SubsetRule.UnassignedSlotNullComparison => "NFSUB004",
        SubsetRule.PackageNotListed => "NFSUB005",
        SubsetRule.PackageDependency => "NFSUB006",
        _ => "NFSUB007",
    };

    /// <summary>
    /// The violation as an MSBuild canonical error line, so that the Exec task turns it into a build
    /// error: <c>origin: error NFSUB00n: message</c>. The origin is the source line when it is known
    /// and the file exists (IDEs jump to it), otherwise the assembly.
    /// </summary>
    /// <param name="assemblyPath">The checked assembly (or project), used as the origin when there is no source line; null gives the tool's name.</param>
    /// <returns>One line, without a line break.</returns>
    public string ToMSBuildError(string? assemblyPath)
    {
        string origin = Location is not null && File.Exists(Location.Path) ? Location.ToString() : assemblyPath ?? "Tracker.SubsetCheck";
        return $"{origin}: error {Code}: {Message}";
    }
}
