namespace Tracker.SubsetCheck;

/// <summary>A place in a source file, read from the assembly's portable PDB.</summary>
/// <param name="Path">The source file as the PDB records it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record SourceLocation(string Path, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}({Line},{Column})";
}
