namespace Tracker.SubsetCheck;

/// <summary>
/// A type decoded from a signature blob: its name in documentation-ID form, plus the first
/// generic and the first multi-dimensional array found anywhere inside it.
/// </summary>
/// <param name="Name">E.g. <c>System.Int32[]</c>, <c>System.Byte@</c>, <c>System.Nullable{System.Int32}</c>.</param>
/// <param name="Generic">The first generic instantiation or generic parameter inside, as a noun phrase for messages
/// (<c>generic type System.Nullable{System.Int32}</c>, <c>generic method parameter ``0</c>), or null.</param>
/// <param name="MultiDimensionalArray">The first multi-dimensional array type inside, as a noun phrase
/// (<c>multi-dimensional array System.Int32[0:,0:]</c>), or null.</param>
internal sealed record SignatureType(string Name, string? Generic, string? MultiDimensionalArray)
{
    /// <summary>A type with no generic and no multi-dimensional array in it.</summary>
    public static SignatureType Plain(string name) => new(name, null, null);

    /// <summary>The same flags carried to a type built from this one (an array of it, a reference to it).</summary>
    public SignatureType Wrap(string name) => this with { Name = name };

    /// <summary>Combines the flags of several types, keeping the first of each.</summary>
    public static (string? Generic, string? MultiDimensionalArray) Flags(IEnumerable<SignatureType> types)
    {
        string? generic = null;
        string? array = null;
        foreach (SignatureType t in types)
        {
            generic ??= t.Generic;
            array ??= t.MultiDimensionalArray;
        }

        return (generic, array);
    }
}
