namespace Tracker.SubsetCheck;

/// <summary>
/// The few attributes the host compiler takes from the host's core library, or adds only because
/// that library has them, which the device build either synthesises itself or leaves out. Each is
/// allowed only where every use is a custom attribute, so source code that calls or names one in a
/// method body is still caught. Anything else the list lacks is a real finding.
/// </summary>
internal static class Exemptions
{
    private const string OnlyIfCoreLibraryHasIt =
        "Roslyn applies it only when the core library defines it (an optional well-known member); nanoFramework's mscorlib does not, so the device build leaves it out";

    private const string SynthesisedOnDevice =
        "Roslyn uses the core library's public type when there is one (net10's System.Runtime has it) and otherwise embeds its own copy in the assembly, as the device build does";

    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        // [assembly: CompilationRelaxations(8)] and [assembly: RuntimeCompatibility(WrapNonExceptionThrows = true)].
        ["T:System.Runtime.CompilerServices.CompilationRelaxationsAttribute"] = OnlyIfCoreLibraryHasIt,
        ["M:System.Runtime.CompilerServices.CompilationRelaxationsAttribute.#ctor(System.Int32)"] = OnlyIfCoreLibraryHasIt,
        ["T:System.Runtime.CompilerServices.RuntimeCompatibilityAttribute"] = OnlyIfCoreLibraryHasIt,
        ["M:System.Runtime.CompilerServices.RuntimeCompatibilityAttribute.#ctor"] = OnlyIfCoreLibraryHasIt,

        // [CompilerGenerated] on backing fields, closures and other synthesised members.
        ["T:System.Runtime.CompilerServices.CompilerGeneratedAttribute"] = OnlyIfCoreLibraryHasIt,
        ["M:System.Runtime.CompilerServices.CompilerGeneratedAttribute.#ctor"] = OnlyIfCoreLibraryHasIt,

        // [module: RefSafetyRules(11)]: Roslyn uses the C# 11 ref-safety rules, and says so, when the
        // core library has RuntimeFeature.ByRefFields (net7 and later) even at LangVersion 9; the
        // device's mscorlib does not have it, so the device build neither uses nor marks them.
        ["T:System.Runtime.CompilerServices.RefSafetyRulesAttribute"] = OnlyIfCoreLibraryHasIt,
        ["M:System.Runtime.CompilerServices.RefSafetyRulesAttribute.#ctor(System.Int32)"] = OnlyIfCoreLibraryHasIt,

        // Nullable reference type annotations (DESIGN.md: "Nullable annotations are fine").
        ["T:System.Runtime.CompilerServices.NullableAttribute"] = SynthesisedOnDevice,
        ["M:System.Runtime.CompilerServices.NullableAttribute.#ctor(System.Byte)"] = SynthesisedOnDevice,
        ["M:System.Runtime.CompilerServices.NullableAttribute.#ctor(System.Byte[])"] = SynthesisedOnDevice,
        ["T:System.Runtime.CompilerServices.NullableContextAttribute"] = SynthesisedOnDevice,
        ["M:System.Runtime.CompilerServices.NullableContextAttribute.#ctor(System.Byte)"] = SynthesisedOnDevice,
    };

    /// <summary>True when <paramref name="documentationId"/> is exempt where it is used only as a custom attribute.</summary>
    public static bool IsExemptAttribute(string documentationId) => Reasons.ContainsKey(documentationId);
}
