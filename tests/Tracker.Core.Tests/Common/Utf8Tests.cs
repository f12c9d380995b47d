using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>The core's own UTF-8 encoder (it replaces System.Text, which is another package on the device) against .NET's.</summary>
public sealed class Utf8Tests
{
    [Theory]
    [InlineData("", new byte[0])]
    [InlineData("offline", new byte[] { 0x6F, 0x66, 0x66, 0x6C, 0x69, 0x6E, 0x65 })]
    [InlineData("é", new byte[] { 0xC3, 0xA9 })]
    [InlineData("€", new byte[] { 0xE2, 0x82, 0xAC })]
    [InlineData("\uD83D\uDE97", new byte[] { 0xF0, 0x9F, 0x9A, 0x97 })]
    [InlineData("\uDBFF\uDFFF", new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]
    [InlineData("\u07FF\u0800\uFFFF", new byte[] { 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF })]
    public void KnownTexts_EncodeToTheirRfc3629Bytes(string text, byte[] expected)
    {
        Assert.Equal(expected, Utf8.GetBytes(text));
        Assert.Equal(expected.Length, Utf8.ByteCount(text));
    }

    [Fact]
    public void LoneSurrogates_BecomeTheReplacementCharacter()
    {
        // Not InlineData: xunit's test-case serialisation does not keep a lone surrogate.
        Assert.Equal(new byte[] { 0xEF, 0xBF, 0xBD }, Utf8.GetBytes("\uD800"));
        Assert.Equal(new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0x62 }, Utf8.GetBytes("a\uDC00b"));
        Assert.Equal(new byte[] { 0xEF, 0xBF, 0xBD, 0x78 }, Utf8.GetBytes("\uDBFFx"));
        Assert.Equal(3, Utf8.ByteCount("\uDFFF"));
    }

    private static readonly Gen<string> AnyUtf16 =
        Gen.ArrayOf(Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E).Select(c => (char)c)),
            (2, Gen.Choose(0x80, 0x7FF).Select(c => (char)c)),
            (2, Gen.Choose(0x800, 0xFFFF).Select(c => (char)c)),
            (2, Gen.Choose(0xD800, 0xDFFF).Select(c => (char)c)))).Select(c => new string(c));

    [Property(MaxTest = 2000)]
    public Property AnyString_EncodesAsDotNetsEncoder() =>
        Prop.ForAll(AnyUtf16.ToArbitrary(), text =>
        {
            byte[] expected = Encoding.UTF8.GetBytes(text);
            Assert.Equal(expected, Utf8.GetBytes(text));
            Assert.Equal(expected.Length, Utf8.ByteCount(text));
        });

    [Fact]
    public void Encode_WritesAtTheOffset_AndRefusesWhatDoesNotFit()
    {
        byte[] buffer = new byte[6];

        Assert.Equal(3, Utf8.Encode("a€"[1..], buffer, 3));
        Assert.Equal(new byte[] { 0, 0, 0, 0xE2, 0x82, 0xAC }, buffer);
        Assert.Throws<ArgumentOutOfRangeException>(() => Utf8.Encode("€", buffer, 4));
        Assert.Throws<ArgumentNullException>(() => Utf8.Encode("x", null!, 0));
        Assert.Throws<ArgumentNullException>(() => Utf8.ByteCount(null!));
    }
}
