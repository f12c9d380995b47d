using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Tracker.Core.Wire;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Wire;

/// <summary>The published vectors: exact bytes both ways, and the README publishes the same ones.</summary>
public sealed class BatchVectorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => new(BatchVectors.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_Vector_GivesThePublishedBytes(string name)
    {
        string hex = WireTestSupport.Hex(WireTestSupport.EncodeAll(BatchVectors.Fixes(name)));
        output.WriteLine($"{name} ({hex.Length / 2} bytes): {hex}");
        Assert.Equal(BatchVectors.Hex(name), hex);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_PublishedBytes_GivesTheVectorFixes(string name)
    {
        WireTestSupport.AssertSameFixes(BatchVectors.Fixes(name), WireTestSupport.DecodeAll(WireTestSupport.FromHex(BatchVectors.Hex(name))));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Readme_PublishesTheVector(string name)
    {
        string readme = File.ReadAllText(ReadmePath());
        string flat = new([.. readme.Where(c => !char.IsWhiteSpace(c))]);
        Assert.Contains(BatchVectors.Hex(name), flat, StringComparison.Ordinal);
        foreach (var fix in BatchVectors.Fixes(name))
        {
            Assert.Contains(WireTestSupport.Describe(fix), readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_SingleWalkThrough_ListsEveryBodyBitInOrder()
    {
        string readme = File.ReadAllText(ReadmePath());
        int start = readme.IndexOf("### `single`", StringComparison.Ordinal);
        Assert.True(start >= 0, "no `single` section");
        int end = readme.IndexOf("### ", start + 4, StringComparison.Ordinal);
        string section = readme[start..end];

        string hex = BatchVectors.Hex("single");
        byte[] message = WireTestSupport.FromHex(hex);
        string body = string.Concat(message.Skip(6).Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        Assert.Contains($"`{hex[2..10]}` CRC-32", section, StringComparison.Ordinal);
        Assert.Contains($"the body, {body.Length} bits", section, StringComparison.Ordinal);

        var written = new StringBuilder();
        var rows = Regex.Matches(section, @"^\| (\d+)-(\d+) \| [^|]+ \| ((?:`[01]+` ?)+) \|", RegexOptions.Multiline);
        Assert.True(rows.Count >= 10, $"{rows.Count} walk-through rows");
        foreach (Match row in rows)
        {
            int first = int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            int last = int.Parse(row.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            string bits = row.Groups[3].Value.Replace("`", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            Assert.Equal(written.Length, first);
            Assert.Equal(last - first + 1, bits.Length);
            written.Append(bits);
        }

        Assert.Equal(body, written.ToString());
    }

    [Fact]
    public void Sample_FirstTenEpochs_AreTheRouteVectorFixes()
    {
        // The vectors come from the project's own generated sample, not from ../shared/data.
        var fixes = Nmea.GpsdCorpus.Read(File.ReadAllBytes(RepoPath("firmware", "Tracker.BenchTool", "samples", "demo-drive.nmea")));
        WireTestSupport.AssertSameFixes(BatchVectors.Fixes("route10"), [.. fixes.Take(10)]);
        WireTestSupport.AssertSameFixes(BatchVectors.Fixes("single"), [.. fixes.Take(1)]);
    }

    private static string ReadmePath() => RepoPath("firmware", "Tracker.Core", "Wire", "README.md");

    private static string RepoPath(string a, string b, string c, string d, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", a, b, c, d));
}
