using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>The firmware's strict base64 decoder against the host's encoder, and against malformed text.</summary>
public class Base64Tests
{
    [Fact]
    public void EveryLength_DecodesWhatTheHostEncodes()
    {
        var random = new Random(64);
        for (int length = 0; length < 600; length++)
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            Assert.True(Base64.TryDecode(Convert.ToBase64String(bytes), out byte[] decoded));
            Assert.Equal(bytes, decoded);
        }
    }

    [Theory]
    [InlineData("A")]
    [InlineData("AB=")]
    [InlineData("A===")]
    [InlineData("AB=C")]
    [InlineData("QUJ")]
    [InlineData("QUJD RA==")]
    [InlineData("QR==")] // non-zero bits after the last byte
    [InlineData("QUI=x===")]
    [InlineData("QU-D")]
    [InlineData("=AAA")]
    public void MalformedText_IsRefused(string text)
    {
        Assert.False(Base64.TryDecode(text, out byte[] bytes));
        Assert.Empty(bytes);
    }
}
