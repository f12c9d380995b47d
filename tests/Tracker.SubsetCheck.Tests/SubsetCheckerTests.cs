namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// The checker on small C# 9 snippets compiled as the host build compiles the shared core. Each
/// banned construct is shown to fail, and a clean snippet to pass.
/// </summary>
public sealed class SubsetCheckerTests
{
    private static SubsetReport Check(CompiledSnippet snippet, params string[] surfaceIds) =>
        SubsetChecker.Check(snippet.AssemblyPath, SurfaceFiles.WriteTiny(snippet.Directory, surfaceIds));

    private static SubsetViolation Single(SubsetReport report, SubsetRule rule, string where)
    {
        SubsetViolation[] matching = [.. report.Violations.Where(v => v.Rule == rule && v.Where == where)];
        Assert.True(matching.Length > 0, $"expected a {rule} violation in {where}; got:\n" + Describe(report));
        return matching[0];
    }

    private static string Describe(SubsetReport report) =>
        string.Join("\n", report.Violations.Select(v => v.ToMSBuildError(report.AssemblyPath))) + "\n" + report.Summary;

    [Fact]
    public void CleanSnippet_Passes()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                /// <summary>Plain firmware-style code.</summary>
                public sealed class Clean
                {
                    private readonly int[] _values = new int[4];
                    private string? _name;

                    public int Sum(int[][] jagged)
                    {
                        int total = 0;
                        foreach (int[] row in jagged) { foreach (int v in row) { total += v; } }
                        _values[0] = total;
                        return total;
                    }

                    public void Rename(string? name) { _name = name; }
                }
            }
            """);

        SubsetReport report = Check(snippet, "T:System.Int32");

        Assert.True(report.IsClean, Describe(report));
        Assert.True(report.SurfaceChecked);
        Assert.True(report.TypeReferencesChecked > 0);
    }

    [Fact]
    public void GenericListField_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    private System.Collections.Generic.List<int>? _items;
                    public bool Any() { return _items != null; }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.C._items");

        Assert.Contains("System.Collections.Generic.List{System.Int32}", v.Message, StringComparison.Ordinal);
        Assert.Equal("NFSUB002", v.Code);
    }

    [Fact]
    public void GenericMethodDefinition_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static T First<T>(T[] items) { return items[0]; }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.C.First");

        Assert.Contains("generic method definition", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GenericMethodCall_IsRejectedWhereItIsCalled()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static int[] Empty() { return System.Array.Empty<int>(); }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.C.Empty");

        Assert.Contains("calls generic method M:System.Array.Empty``1<System.Int32>", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActionOfIntLocal_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static void Run(int value)
                    {
                        System.Action<int> print = v => { };
                        print(value);
                    }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.C.Run");

        Assert.Contains("System.Action{System.Int32}", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullableIntParameter_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static int OrZero(int? value) { return 0; }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.C.OrZero");

        Assert.Contains("System.Nullable{System.Int32}", v.Message, StringComparison.Ordinal);
        Assert.Contains("int? is Nullable<T>", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiDimensionalArray_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static int Corner()
                    {
                        int[,] grid = new int[2, 2];
                        return grid[1, 1];
                    }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.MultiDimensionalArray, "N.C.Corner");

        Assert.Contains("System.Int32[0:,0:]", v.Message, StringComparison.Ordinal);
        Assert.Equal("NFSUB003", v.Code);
    }

    [Fact]
    public void GenericClassDefinition_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class Box<T>
                {
                    public T? Value;
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet), SubsetRule.Generic, "N.Box`1");

        Assert.Contains("generic type definition", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemberMissingFromSurface_IsRejectedWithItsDocumentationId()
    {
        using var snippet = CompiledSnippet.Compile(SubstringSnippet);

        SubsetViolation v = Single(Check(snippet, "T:System.String"), SubsetRule.NotInApiSurface, "N.C.Tail");

        Assert.Equal("M:System.String.Substring(System.Int32,System.Int32)", v.Subject);
        Assert.Equal("N.C.Tail uses M:System.String.Substring(System.Int32,System.Int32) which nanoFramework 1.x does not have", v.Message);
        Assert.Equal("NFSUB001", v.Code);
    }

    [Fact]
    public void MemberInSurface_IsAccepted()
    {
        using var snippet = CompiledSnippet.Compile(SubstringSnippet);

        SubsetReport report = Check(snippet, "T:System.String", "M:System.String.Substring(System.Int32,System.Int32)");

        Assert.True(report.IsClean, Describe(report));
    }

    [Fact]
    public void MissingSurfaceOverload_HintsAtTheOverloadsTheDeviceHas()
    {
        using var snippet = CompiledSnippet.Compile(SubstringSnippet);

        SubsetViolation v = Single(Check(snippet, "T:System.String", "M:System.String.Substring(System.Int32)"), SubsetRule.NotInApiSurface, "N.C.Tail");

        Assert.EndsWith("; the device has M:System.String.Substring(System.Int32)", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeMissingFromSurface_IsRejected()
    {
        using var snippet = CompiledSnippet.Compile(SubstringSnippet);

        SubsetViolation v = Single(Check(snippet, "M:System.String.Substring(System.Int32,System.Int32)"), SubsetRule.NotInApiSurface, "N.C.Tail");

        Assert.Equal("T:System.String", v.Subject);
    }

    [Fact]
    public void ConversionOperator_UsesTheTildeReturnForm()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static decimal Widen(int i) { return i; }
                }
            }
            """);

        SubsetReport missing = Check(snippet, "T:System.Decimal");
        SubsetReport present = Check(snippet, "T:System.Decimal", "M:System.Decimal.op_Implicit(System.Int32)~System.Decimal");

        Assert.Equal("M:System.Decimal.op_Implicit(System.Int32)~System.Decimal", Single(missing, SubsetRule.NotInApiSurface, "N.C.Widen").Subject);
        Assert.True(present.IsClean, Describe(present));
    }

    [Fact]
    public void LockStatement_IsRejectedAsMonitorEnterWithRefBool()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    private readonly object _gate = new object();
                    public void Touch() { lock (_gate) { } }
                }
            }
            """);

        SubsetReport report = Check(snippet, "T:System.Threading.Monitor", "M:System.Threading.Monitor.Enter(System.Object)", "M:System.Threading.Monitor.Exit(System.Object)");

        SubsetViolation v = Single(report, SubsetRule.NotInApiSurface, "N.C.Touch");
        Assert.Equal("M:System.Threading.Monitor.Enter(System.Object,System.Boolean@)", v.Subject);
        Assert.Single(report.Violations);
    }

    [Fact]
    public void StringPlusChar_IsRejectedWithTheRewriteHint()
    {
        // The host compiler lowers s + c to String.Concat(ReadOnlySpan<char>, ReadOnlySpan<char>)
        // whatever the language version; the device compiler cannot. The hint says how to write it.
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static string Append(string s, char c) { return s + c; }
                }
            }
            """);

        SubsetViolation v = Single(Check(snippet, "T:System.String"), SubsetRule.Generic, "N.C.Append");

        Assert.Contains("System.ReadOnlySpan{System.Char}", v.Message, StringComparison.Ordinal);
        Assert.Contains("write s + c.ToString()", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SwitchExpressionWithoutDiscard_IsBlamedOnTheSwitch_WithAHint()
    {
        // The host compiler's throw helper lives in <PrivateImplementationDetails>; the violation
        // must point at the switch expression that needs it, not at the helper.
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public enum E { A, B }
                public sealed class C
                {
                    public static int Code(E e) { return e switch { E.A => 1, E.B => 2 }; }
                }
            }
            """);

        SubsetReport report = Check(snippet, "T:System.Enum", "T:System.Int32");

        SubsetViolation v = Single(report, SubsetRule.NotInApiSurface, "N.C.Code");
        Assert.Equal(6, v.Location?.Line);
        Assert.Contains("add _ => ...", v.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Violations, x => x.Where.Contains("PrivateImplementationDetails", StringComparison.Ordinal));
    }

    [Fact]
    public void CompilerAddedAttributes_AreNotReported_ButTheSameTypeUsedInCodeIs()
    {
        // RuntimeCompatibilityAttribute is on every host assembly (exempt as an attribute);
        // constructing one in a method body is a real use and must be caught.
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static object Make() { return new System.Runtime.CompilerServices.RuntimeCompatibilityAttribute(); }
                }
            }
            """);

        SubsetReport report = Check(snippet);

        Assert.Contains(report.Violations, v => v.Where == "N.C.Make" && v.Subject == "M:System.Runtime.CompilerServices.RuntimeCompatibilityAttribute.#ctor");
        Assert.DoesNotContain(report.Violations, v => v.Where.StartsWith("assembly ", StringComparison.Ordinal));
    }

    [Fact]
    public void NullableReferenceAnnotations_AreAccepted()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public string? Name;
                    public static string? Pick(string? a, object? b) { return a; }
                }
            }
            """);

        SubsetReport report = Check(snippet, "T:System.String");

        Assert.True(report.IsClean, Describe(report));
    }

    [Fact]
    public void AbsentSurfaceFile_SkipsTheSurfaceCheck_ButStillRejectsGenerics()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    private System.Collections.Generic.List<int>? _items;
                    public string Tail(string s) { return s.Substring(1, 2) + (_items == null); }
                }
            }
            """);
        string absent = Path.Combine(snippet.Directory, "no-such-surface.tsv");

        SubsetReport report = SubsetChecker.Check(snippet.AssemblyPath, absent);

        Assert.False(report.SurfaceChecked);
        Assert.Contains($"API surface check SKIPPED: {absent} not found", report.Summary, StringComparison.Ordinal);
        Assert.Contains(report.Violations, v => v.Rule == SubsetRule.Generic && v.Where == "N.C._items");
        Assert.DoesNotContain(report.Violations, v => v.Rule == SubsetRule.NotInApiSurface);
    }

    [Fact]
    public void Violation_PointsAtTheSourceLine()
    {
        using var snippet = CompiledSnippet.Compile(SubstringSnippet);

        SubsetViolation v = Single(Check(snippet, "T:System.String"), SubsetRule.NotInApiSurface, "N.C.Tail");

        Assert.NotNull(v.Location);
        Assert.Equal(snippet.SourcePath, v.Location.Path);
        Assert.Equal(5, v.Location.Line);
        Assert.StartsWith($"{snippet.SourcePath}(5,", v.ToMSBuildError(snippet.AssemblyPath), StringComparison.Ordinal);
        Assert.Contains(": error NFSUB001: N.C.Tail uses M:System.String.Substring(", v.ToMSBuildError(snippet.AssemblyPath), StringComparison.Ordinal);
    }

    [Fact]
    public void NotAnAssembly_IsAnInputError()
    {
        string path = Path.Combine(Path.GetTempPath(), "tracker-subsetcheck-tests", Guid.NewGuid().ToString("N") + ".dll");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "this is not a portable executable");
        try
        {
            var e = Assert.Throws<SubsetCheckInputException>(() => SubsetChecker.Check(path, null));
            Assert.Contains("not a valid .NET assembly", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [RealSurfaceFact]
    public void RealSurface_RejectsStringJoinAndAcceptsSubstring()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    public static string Both(string[] parts) { return string.Join(",", parts).Substring(1); }
                }
            }
            """);

        SubsetReport report = SubsetChecker.Check(snippet.AssemblyPath, SurfaceFiles.Real);

        SubsetViolation v = Assert.Single(report.Violations);
        Assert.Equal("M:System.String.Join(System.String,System.String[])", v.Subject);
    }

    private const string SubstringSnippet = """
        namespace N
        {
            public sealed class C
            {
                public static string Tail(string s) { return s.Substring(1, 2); }
            }
        }
        """;
}
