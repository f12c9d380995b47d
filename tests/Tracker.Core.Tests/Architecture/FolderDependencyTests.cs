using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Architecture;

/// <summary>
/// The firmware's folders are its architecture (STYLE.md): a reader finds the right room from the
/// tree, and data flows one way. These tests read the source and hold the folders to a layering with
/// no import cycle: a folder may use another only when that one does not use it back, directly or
/// through others.
/// </summary>
public partial class FolderDependencyTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Projects => new()
    {
        { "firmware/Tracker.Core", "Tracker.Core" },
        { "firmware/Tracker.Device", "Tracker.Device" },
        { "firmware/Tracker.BenchTool", "Tracker.BenchTool" },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void EveryFile_DeclaresTheNamespaceOfItsFolder(string project, string root)
    {
        foreach ((string folder, string file, string text) in Sources(project))
        {
            string expected = folder.Length == 0 ? root : root + "." + folder;
            Match ns = Regex.Match(text, @"^namespace\s+([\w.]+)", RegexOptions.Multiline);
            if (folder.Length == 0 && !ns.Success)
            {
                continue; // top-level statements (a Program.cs)
            }

            Assert.True(ns.Success && ns.Groups[1].Value == expected, $"{file}: namespace {ns.Groups[1].Value}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Folders_HaveNoImportCycle(string project, string root)
    {
        Dictionary<string, SortedSet<string>> uses = Graph(project, root);
        foreach ((string folder, SortedSet<string> targets) in uses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{(folder.Length == 0 ? "(root)" : folder)} -> {string.Join(", ", targets)}");
        }

        List<string>? cycle = FindCycle(uses);
        Assert.True(cycle is null, $"{project}: import cycle {string.Join(" -> ", cycle ?? [])}");
    }

    /// <summary>The core's layers, top to bottom, as README.md's layout lists them: a folder uses only folders below it.</summary>
    private static readonly string[] CoreLayers =
        ["Control", "Config", "Recording", "Modem", "Uplink", "Reporting", "Storage", "Wire", "Fixes", "Nmea", "Time", "Power", "Common"];

    [Fact]
    public void CoreFolders_UseOnlyTheLayersBelowThem()
    {
        Dictionary<string, SortedSet<string>> uses = Graph("firmware/Tracker.Core", "Tracker.Core");
        Assert.Equal(CoreLayers.Order(StringComparer.Ordinal), uses.Keys.Order(StringComparer.Ordinal));
        foreach ((string folder, SortedSet<string> targets) in uses)
        {
            foreach (string target in targets)
            {
                Assert.True(
                    Array.IndexOf(CoreLayers, target) > Array.IndexOf(CoreLayers, folder),
                    $"{folder} uses {target}, which README.md's layout lists above it");
            }
        }
    }

    [Fact]
    public void FixQuality_IsNumberedAsTheGgaQualityIndicator()
    {
        Assert.Equal(GgaQuality.Autonomous, (int)FixQuality.Autonomous);
        Assert.Equal(GgaQuality.Differential, (int)FixQuality.Differential);
        Assert.Equal(GgaQuality.Precise, (int)FixQuality.Precise);
        Assert.Equal(GgaQuality.RtkFixed, (int)FixQuality.RtkFixed);
        Assert.Equal(GgaQuality.RtkFloat, (int)FixQuality.RtkFloat);
        Assert.Equal(GgaQuality.Estimated, (int)FixQuality.Estimated);
        Assert.Equal(GgaQuality.Manual, (int)FixQuality.Manual);
        Assert.Equal(GgaQuality.Simulated, (int)FixQuality.Simulated);
        Assert.Equal(Tracker.Core.Common.Unknown.Value, Fix.Unknown);
    }

    [Fact]
    public void TheCycleFinder_FindsACycle()
    {
        var uses = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(uses));
        uses["C"] = [];
        Assert.Null(FindCycle(uses));
    }

    // Folder -> the folders its files use: 'using Root.X;', or a name qualified as 'Root.X.' or 'X.'
    // (XML doc references count: a cref is an import too).
    private static Dictionary<string, SortedSet<string>> Graph(string project, string root)
    {
        var sources = Sources(project).ToList();
        var folders = sources.Select(s => s.Folder).Where(f => f.Length > 0).ToHashSet(StringComparer.Ordinal);
        var uses = sources.Select(s => s.Folder).Distinct().ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        string alternatives = string.Join("|", folders.Select(Regex.Escape));
        var reference = new Regex($@"(?<![\w.])(?:{Regex.Escape(root)}\.)?({alternatives})\.(?=[A-Z])");
        var import = new Regex($@"^\s*using\s+{Regex.Escape(root)}\.({alternatives})\s*;", RegexOptions.Multiline);
        foreach ((string folder, _, string text) in sources)
        {
            string code = NamespaceLine().Replace(text, string.Empty);
            foreach (Match m in import.Matches(code).Concat(reference.Matches(code)))
            {
                string target = m.Groups[1].Value;
                if (target != folder)
                {
                    uses[folder].Add(target);
                }
            }
        }

        return uses;
    }

    private static List<string>? FindCycle(Dictionary<string, SortedSet<string>> uses)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        foreach (string start in uses.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(node) == 1)
            {
                return [.. path.Skip(path.IndexOf(node)), node];
            }

            state[node] = 1;
            path.Add(node);
            foreach (string next in uses.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static IEnumerable<(string Folder, string File, string Text)> Sources(string project)
    {
        string dir = Path.GetFullPath(Path.Combine(RepoRoot(), project));
        Assert.True(Directory.Exists(dir), dir);
        foreach (string file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
            {
                continue;
            }

            int slash = relative.IndexOf('/', StringComparison.Ordinal);
            yield return (slash < 0 ? string.Empty : relative[..slash], relative, File.ReadAllText(file));
        }
    }

    private static string RepoRoot([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "..");

    [GeneratedRegex(@"^namespace\s+[\w.]+", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
