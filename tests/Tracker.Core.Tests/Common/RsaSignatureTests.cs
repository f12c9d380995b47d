using System.Security.Cryptography;
using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>
/// The firmware's RSASSA-PKCS1-v1_5/SHA-256 verifier against signatures made by the host's RSA (what the
/// provisioning CLI signs images with): every real signature verifies, and a wrong key, digest or any changed
/// bit does not.
/// </summary>
public class RsaSignatureTests
{
    public static TheoryData<int> KeySizes => new() { 2048, 3072, 4096 };

    private static (byte[] Modulus, byte[] Digest, byte[] Signature) Signed(RSA rsa, byte[] message)
    {
        byte[] digest = SHA256.HashData(message);
        byte[] signature = rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (rsa.ExportParameters(false).Modulus!, digest, signature);
    }

    [Theory]
    [MemberData(nameof(KeySizes))]
    public void ASignatureByTheKey_Verifies(int bits)
    {
        using RSA rsa = RSA.Create(bits);
        Assert.Equal(RsaSignature.PublicExponent, BitConverter.ToInt32([.. rsa.ExportParameters(false).Exponent!.Reverse(), 0]));
        for (int i = 0; i < 5; i++)
        {
            (byte[] n, byte[] digest, byte[] signature) = Signed(rsa, [(byte)i, 1, 2, 3]);
            Assert.True(RsaSignature.Verify(n, digest, signature));
        }
    }

    [Fact]
    public void AnotherKeysSignature_AnotherDigest_OrAnyFlippedBit_DoesNotVerify()
    {
        using RSA fleet = RSA.Create(3072);
        using RSA other = RSA.Create(3072);
        (byte[] n, byte[] digest, byte[] signature) = Signed(fleet, "image"u8.ToArray());
        (_, _, byte[] otherSignature) = Signed(other, "image"u8.ToArray());

        Assert.False(RsaSignature.Verify(n, digest, otherSignature));
        Assert.False(RsaSignature.Verify(n, SHA256.HashData("imagf"u8), signature));
        var random = new Random(18);
        for (int i = 0; i < 40; i++)
        {
            byte[] flipped = (byte[])signature.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            Assert.False(RsaSignature.Verify(n, digest, flipped));
        }
    }

    [Fact]
    public void MalformedInputs_AreRefused_NeverThrow()
    {
        using RSA rsa = RSA.Create(2048);
        (byte[] n, byte[] digest, byte[] signature) = Signed(rsa, [1]);
        byte[] evenModulus = (byte[])n.Clone();
        evenModulus[^1] &= 0xFE;

        Assert.False(RsaSignature.Verify(n, digest, signature[1..]));
        Assert.False(RsaSignature.Verify(n, digest[1..], signature));
        Assert.False(RsaSignature.Verify(n[..128], digest, signature[..128]));
        Assert.False(RsaSignature.Verify(evenModulus, digest, signature));
        Assert.False(RsaSignature.Verify(n, digest, n)); // s = n is not below n
        Assert.False(RsaSignature.Verify(n, digest, new byte[n.Length]));
        Assert.False(RsaSignature.Verify(null!, digest, signature));
    }

    [Fact]
    public void TheEncoding_IsTheOneTheHostSigns()
    {
        // Decrypting a host signature with the private key's public half gives exactly RFC 8017's EM.
        using RSA rsa = RSA.Create(2048);
        byte[] digest = SHA256.HashData("x"u8);
        byte[] signature = rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        RSAParameters p = rsa.ExportParameters(false);
        var s = new System.Numerics.BigInteger(signature, isUnsigned: true, isBigEndian: true);
        var n = new System.Numerics.BigInteger(p.Modulus!, isUnsigned: true, isBigEndian: true);
        byte[] em = System.Numerics.BigInteger.ModPow(s, 65537, n).ToByteArray(isUnsigned: true, isBigEndian: true);

        Assert.Equal(RsaSignature.Encode(digest, 256)[1..], em);
    }
}
