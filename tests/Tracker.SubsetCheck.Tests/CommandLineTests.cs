using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tracker.SubsetCheck.Tests;

/// <summary>The command line the build runs: output format and exit codes (0 clean, 1 violations, 2 usage or input error).</summary>
public sealed partial class CommandLineTests
{
    private const string CleanSource = """
        namespace N
        {
            public sealed class C
            {
                public static object Make() { return new object(); }
            }
        }
        """;

    private const string GenericSource = """
        namespace N
        {
            public sealed class C
            {
                public static object Make() { return new System.Collections.Generic.List<int>(); }
            }
        }
        """;

    [Fact]
    public void CleanAssembly_ExitsZero_WithOneSummaryLine()
    {
        using var snippet = CompiledSnippet.Compile(CleanSource);

        (int exit, string stdout, string stderr) = Run(snippet.AssemblyPath, "--surface", SurfaceFiles.WriteTiny(snippet.Directory));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        string line = Assert.Single(Lines(stdout));
        Assert.StartsWith("Tracker.SubsetCheck: nanoFramework 1.x subset check of Snippet.dll: no violations (", line, StringComparison.Ordinal);
        Assert.Contains("type refs and", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Violation_ExitsOne_WithMSBuildCanonicalErrors()
    {
        using var snippet = CompiledSnippet.Compile(GenericSource);

        (int exit, string stdout, _) = Run(snippet.AssemblyPath, "--surface", SurfaceFiles.WriteTiny(snippet.Directory));

        Assert.Equal(1, exit);
        string error = Lines(stdout).First(l => l.Contains("NFSUB002", StringComparison.Ordinal));
        Assert.Matches(CanonicalError(), error);
        Assert.Contains("N.C.Make uses generic type System.Collections.Generic.List{System.Int32}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentSurfaceFile_IsReportedAsSkipped_AndGenericsStillFail()
    {
        using var snippet = CompiledSnippet.Compile(GenericSource);
        string absent = Path.Combine(snippet.Directory, "absent.tsv");

        (int exit, string stdout, _) = Run(snippet.AssemblyPath, "--surface", absent);

        Assert.Equal(1, exit);
        Assert.Contains($"API surface check SKIPPED: {absent} not found", stdout, StringComparison.Ordinal);
        Assert.Contains("NFSUB002", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--surface")]
    [InlineData("a.dll", "--bogus")]
    [InlineData("a.dll", "b.dll")]
    public void BadArguments_ExitTwo_WithUsage(params string[] args)
    {
        (int exit, _, string stderr) = Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("error NFSUB000:", stderr, StringComparison.Ordinal);
        Assert.Contains("usage: Tracker.SubsetCheck [<assembly.dll>]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageAssembly_ExitsTwo_WithoutAStackTrace()
    {
        string directory = Path.Combine(Path.GetTempPath(), "tracker-subsetcheck-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string garbage = Path.Combine(directory, "garbage.dll");
        File.WriteAllBytes(garbage, [0x4D, 0x5A, 0x00, 0x01, 0x02, 0x03]);
        try
        {
            (int exit, string stdout, string stderr) = Run(garbage);

            Assert.Equal(2, exit);
            Assert.Equal(string.Empty, stdout);
            Assert.Contains($"Tracker.SubsetCheck: error NFSUB000: {garbage} is not a valid .NET assembly", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MissingAssembly_ExitsTwo()
    {
        (int exit, _, string stderr) = Run(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".dll"));

        Assert.Equal(2, exit);
        Assert.Contains("assembly not found", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^.+\(\d+,\d+\): error NFSUB00[1-7]: .+$")]
    private static partial Regex CanonicalError();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet.Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracker.SubsetCheck.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "Tracker.SubsetCheck did not finish in 30 s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
