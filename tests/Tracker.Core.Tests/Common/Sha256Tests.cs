using System.Text;
using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>The firmware's SHA-256 against FIPS 180-4's examples and the host's implementation, in any pieces.</summary>
public class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void TheStandardsExamples_HaveTheirDigests(string message, string hex)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(message);
        Assert.Equal(hex, Convert.ToHexStringLower(Sha256.Compute(bytes, 0, bytes.Length)));
    }

    [Fact]
    public void EveryLengthAroundTheBlockAndPaddingEdges_MatchesTheHost_InAnyPieces()
    {
        var random = new Random(256);
        for (int length = 0; length < 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            byte[] expected = System.Security.Cryptography.SHA256.HashData(data);

            Assert.Equal(expected, Sha256.Compute(data, 0, data.Length));
            var pieces = new Sha256();
            int at = 0;
            while (at < length)
            {
                int n = Math.Min(random.Next(1, 80), length - at);
                pieces.Append(data, at, n);
                at += n;
            }

            Assert.Equal(expected, pieces.Finish());
        }
    }

    [Fact]
    public void AHundredKilobyteImage_MatchesTheHost_AndResetStartsAgain()
    {
        byte[] image = new byte[100 * 1024];
        new Random(18).NextBytes(image);
        var sha = new Sha256();
        sha.Append(image, 0, image.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(image), sha.Finish());
        Assert.Throws<InvalidOperationException>(() => sha.Append(image, 0, 1));

        sha.Reset();
        sha.Append(image, 0, 10);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(image.AsSpan(0, 10)), sha.Finish());
    }
}
