using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// The compile that firmware/Tracker.Core.NanoCompile runs in every build, here in memory: C# 9,
/// NANOFRAMEWORK_1_0, and nanoFramework's real mscorlib.dll as the only reference. The shared core
/// compiles; code that the device's mscorlib cannot satisfy does not, whatever the surface list says.
/// </summary>
public sealed class RealMscorlibTests
{
    private static readonly CSharpParseOptions Parse = new CSharpParseOptions(LanguageVersion.CSharp9).WithPreprocessorSymbols("NANOFRAMEWORK_1_0");

    [Fact]
    public void TheDevicesMscorlib_IsTheRestoredCoreLibrary()
    {
        Assert.True(File.Exists(Repository.NanoMscorlib), Repository.NanoMscorlib);
        System.Reflection.AssemblyName name = System.Reflection.AssemblyName.GetAssemblyName(Repository.NanoMscorlib);
        Assert.Equal("mscorlib", name.Name);
        Assert.Equal(new Version(1, 17, 11, 0), name.Version);
    }

    [Fact]
    public void SharedCore_CompilesAgainstTheDevicesMscorlibAlone()
    {
        string core = Repository.Path("firmware/Tracker.Core");
        SyntaxTree[] trees =
        [
            .. Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f, Encoding.UTF8)),
        ];

        Diagnostic[] errors = Errors(trees);

        Assert.True(trees.Length > 100, $"found only {trees.Length} core files under {core}");
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }

    [Theory]
    [InlineData("byte[] b = System.Text.Encoding.UTF8.GetBytes(\"x\");", "CS0234")]
    [InlineData("string s = string.Join(\",\", new string[0]);", "CS0117")]
    [InlineData("bool b = \"abc\".Contains('b');", "CS1503")]
    [InlineData("var list = new System.Collections.Generic.List<int>();", "CS0234")]
    [InlineData("double d = System.Math.Round(1.25, 1);", "CS0234")]
    public void CodeTheDevicesMscorlibLacks_DoesNotCompile(string statement, string code)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(
            "namespace N { public static class C { public static void M() { " + statement + " } } }",
            Parse);

        Diagnostic[] errors = Errors([tree]);

        Assert.Contains(errors, e => e.Id == code);
    }

    private static Diagnostic[] Errors(SyntaxTree[] trees)
    {
        var compilation = CSharpCompilation.Create(
            "Tracker.Core",
            trees,
            [MetadataReference.CreateFromFile(Repository.NanoMscorlib)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
        using var pe = new MemoryStream();
        return [.. compilation.Emit(pe).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
    }
}
