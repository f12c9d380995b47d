using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Tracker.Core.Common;

namespace Tracker.Core.Benchmarks;

/// <summary>
/// What verifying an application update costs the car (Control/README.md §2): SHA-256 of a 100 KB image and
/// one RSASSA-PKCS1-v1_5 verification with a 3,072-bit fleet key, both the core's own integer code. Host
/// figures; the interpreter runs this kind of code about 130 times slower (README, "The firmware core on the device").
/// </summary>
[MemoryDiagnoser]
public class UpdateVerifyBenchmarks
{
    private readonly byte[] _image = new byte[100 * 1024];
    private byte[] _modulus = [];
    private byte[] _digest = [];
    private byte[] _signature = [];

    [Params(2048, 3072)]
    public int KeyBits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(18).NextBytes(_image);
        using RSA rsa = RSA.Create(KeyBits);
        _digest = SHA256.HashData(_image);
        _signature = rsa.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _modulus = rsa.ExportParameters(false).Modulus!;
    }

    [Benchmark]
    public byte[] Sha256Of100KB() => Sha256.Compute(_image, 0, _image.Length);

    [Benchmark]
    public bool VerifySignature() => RsaSignature.Verify(_modulus, _digest, _signature);
}
