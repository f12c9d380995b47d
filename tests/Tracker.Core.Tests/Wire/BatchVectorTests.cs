using System.Runtime.CompilerServices;
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

    private static string ReadmePath([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "firmware", "Tracker.Core", "Wire", "README.md"));
}
