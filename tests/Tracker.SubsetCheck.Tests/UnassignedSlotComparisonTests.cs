namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// NFSUB004: the interpreter defect (DESIGN.md). A null read from a never-assigned slot of a
/// reference-type array, compared with null as a value (ceq / cgt.un against ldnull), gives the
/// wrong answer on the device. Snippets are compiled optimised, as the firmware's builds are.
/// </summary>
public sealed class UnassignedSlotComparisonTests
{
    private static SubsetViolation[] Found(string source, bool optimize = true)
    {
        using var snippet = CompiledSnippet.Compile(source, optimize);
        SubsetReport report = SubsetChecker.Check(snippet.AssemblyPath, (string?)null);
        return [.. report.Violations.Where(v => v.Rule == SubsetRule.UnassignedSlotNullComparison)];
    }

    private static SubsetViolation Single(string source, string where)
    {
        SubsetViolation[] found = Found(source);
        SubsetViolation[] here = [.. found.Where(v => v.Where == where)];
        Assert.True(here.Length == 1, $"expected one NFSUB004 in {where}; got:\n" + string.Join("\n", found.Select(v => v.Where + ": " + v.Message)));
        return here[0];
    }

    [Fact]
    public void ReturnNotNull_OfAnArrayElement_IsRejected()
    {
        SubsetViolation v = Single("""
            namespace N
            {
                public sealed class C
                {
                    private readonly string?[] _names = new string?[4];
                    public bool Has(int i) { return _names[i] != null; }
                }
            }
            """, "N.C.Has");

        Assert.Equal("NFSUB004", v.Code);
        Assert.Contains("cgt.un", v.Subject, StringComparison.Ordinal);
        Assert.Contains("reference-type array element with null as a value", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BoolLocalEqualsNull_OfAnArrayElement_IsRejected()
    {
        SubsetViolation v = Single("""
            namespace N
            {
                public static class C
                {
                    public static int Count(string?[] names)
                    {
                        string?[] copy = new string?[names.Length];
                        bool missing = copy[0] == null;
                        return missing ? 0 : 1;
                    }
                }
            }
            """, "N.C.Count");

        Assert.Contains("ceq", v.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void IsNullPatternAsAValue_IsRejected()
    {
        Single("""
            namespace N
            {
                public static class C
                {
                    private static readonly object?[] Slots = new object?[2];
                    public static bool Empty() { return Slots[1] is null; }
                }
            }
            """, "N.C.Empty");
    }

    [Fact]
    public void PropertyThatReturnsAnElement_ComparedAsAValue_IsRejected()
    {
        // The shape of TrackerConfig.UsesWifi as it was: a getter reading an array slot, compared
        // in another getter. On the device a config without wifi.ssid gave true.
        Single("""
            namespace N
            {
                public sealed class Config
                {
                    private readonly string?[] _texts = new string?[8];
                    public string? WifiSsid { get { return _texts[3]; } }
                    public bool UsesWifi { get { return WifiSsid != null; } }
                }
            }
            """, "N.Config.get_UsesWifi");
    }

    [Fact]
    public void ParameterFedFromAnElement_ComparedAsAValue_IsRejectedInTheCallee()
    {
        Single("""
            namespace N
            {
                public static class C
                {
                    private static bool IsSet(string? value) { return value != null; }
                    public static bool First(string?[] values) { return IsSet(values[0]); }
                }
            }
            """, "N.C.IsSet");
    }

    [Fact]
    public void FieldStoredFromAnElement_ComparedAsAValue_IsRejected()
    {
        Single("""
            namespace N
            {
                public sealed class C
                {
                    private string? _current;
                    public void Pick(string?[] names, int i) { _current = names[i]; }
                    public bool HasCurrent() { return _current != null; }
                }
            }
            """, "N.C.HasCurrent");
    }

    [Fact]
    public void OutParameterFilledFromAnElement_ComparedAsAValue_IsRejected()
    {
        Single("""
            namespace N
            {
                public static class C
                {
                    private static void Take(string?[] names, out string? name) { name = names[0]; }
                    public static bool Any(string?[] names)
                    {
                        string? name;
                        Take(names, out name);
                        return name != null;
                    }
                }
            }
            """, "N.C.Any");
    }

    [Fact]
    public void BranchForms_AndValuesNotFromArrays_AreAccepted()
    {
        SubsetViolation[] found = Found("""
            namespace N
            {
                public sealed class C
                {
                    private readonly string?[] _names = new string?[4];
                    private string? _single;

                    public bool Has(int i)
                    {
                        if (_names[i] != null)
                        {
                            return true;
                        }

                        return false;
                    }

                    public string Name(int i) { return _names[i] ?? "none"; }

                    public int Length(int i) { return _names[i]?.Length ?? 0; }

                    public bool HasSingle() { return _single != null; }

                    public void Set(string s) { _single = s; }
                }
            }
            """);

        Assert.Empty(found);
    }

    [Fact]
    public void ValueFormThroughAConditional_IsRejected()
    {
        Single("""
            namespace N
            {
                public static class C
                {
                    public static bool Either(string?[] a, string? b, bool first)
                    {
                        string? x = first ? a[0] : b;
                        return x != null;
                    }
                }
            }
            """, "N.C.Either");
    }

    [Fact]
    public void Violation_PointsAtTheSourceLine()
    {
        using var snippet = CompiledSnippet.Compile("""
            namespace N
            {
                public sealed class C
                {
                    private readonly string?[] _names = new string?[4];

                    public bool Has(int i)
                    {
                        return _names[i] != null;
                    }
                }
            }
            """, optimize: true);

        SubsetViolation v = Assert.Single(SubsetChecker.Check(snippet.AssemblyPath, (string?)null).Violations);

        Assert.NotNull(v.Location);
        Assert.Equal(9, v.Location!.Line);
        Assert.StartsWith(snippet.SourcePath + "(9,", v.ToMSBuildError(snippet.AssemblyPath), StringComparison.Ordinal);
    }

    [Fact]
    public void DebugBuild_TurnsAnIfIntoTheValueForm_WhichIsWhyTheFirmwareBuildsAreOptimised()
    {
        const string Source = """
            namespace N
            {
                public sealed class C
                {
                    private readonly string?[] _names = new string?[4];

                    public int Guard(int i)
                    {
                        if (_names[i] == null)
                        {
                            return 0;
                        }

                        return 1;
                    }
                }
            }
            """;

        Assert.Empty(Found(Source, optimize: true));
        Assert.Single(Found(Source, optimize: false));
    }
}
