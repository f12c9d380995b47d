using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// A C# 9 snippet compiled with Roslyn against the running runtime's own assemblies (the host
/// build's situation: System.Private.CoreLib and friends), written with its PDB and source to a
/// temporary folder that is deleted on dispose.
/// </summary>
public sealed class CompiledSnippet : IDisposable
{
    private static readonly MetadataReference[] References = RuntimeReferences();

    private CompiledSnippet(string directory, string sourcePath, string assemblyPath)
    {
        Directory = directory;
        SourcePath = sourcePath;
        AssemblyPath = assemblyPath;
    }

    /// <summary>The temporary folder.</summary>
    public string Directory { get; }

    /// <summary>The snippet's source file (what the PDB points at).</summary>
    public string SourcePath { get; }

    /// <summary>The compiled assembly.</summary>
    public string AssemblyPath { get; }

    /// <summary>Compiles <paramref name="source"/> as a C# 9 library with nullable enabled; fails the test on compile errors.</summary>
    /// <param name="source">The C# source.</param>
    /// <param name="optimize">Compile as a Release build (as the firmware's host and device builds are); a Debug build otherwise.</param>
    public static CompiledSnippet Compile(string source, bool optimize = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tracker-subsetcheck-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string sourcePath = Path.Combine(directory, "Snippet.cs");
        string assemblyPath = Path.Combine(directory, "Snippet.dll");
        File.WriteAllText(sourcePath, source, Encoding.UTF8);

        SyntaxTree tree = CSharpSyntaxTree.ParseText(
            source,
            new CSharpParseOptions(LanguageVersion.CSharp9),
            path: sourcePath,
            encoding: Encoding.UTF8);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [tree],
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug));

        using (FileStream dll = File.Create(assemblyPath))
        using (FileStream pdb = File.Create(Path.ChangeExtension(assemblyPath, ".pdb")))
        {
            EmitResult result = compilation.Emit(
                dll,
                pdb,
                options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: Path.ChangeExtension(assemblyPath, ".pdb")));
            Diagnostic[] errors = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
            Assert.True(result.Success, "snippet does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        }

        return new CompiledSnippet(directory, sourcePath, assemblyPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static MetadataReference[] RuntimeReferences()
    {
        // TRUSTED_PLATFORM_ASSEMBLIES lists every assembly the host may load; keep the shared
        // framework's (beside System.Private.CoreLib), not the test's own dependencies.
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return
        [
            .. tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => string.Equals(Path.GetDirectoryName(p), runtimeDirectory, StringComparison.Ordinal))
                .Select(p => MetadataReference.CreateFromFile(p)),
        ];
    }
}
