using System.Security.Cryptography;
using Tracker.Cloud.Local.Updates;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Device.Storage;
using Tracker.HostLink;
using Tracker.Provisioning.Pki;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The update download end to end against a real HTTPS server on 127.0.0.1 with range requests (the local stand-in for
/// S3's pre-signed URL): a 100 KB image signed by the provisioning tool's code-signing key, fetched by the firmware's
/// StagedDownload into a directory as flash while the server cuts the link mid-body again and again and the car loses
/// power between ranges, then verified with the car's own SHA-256 and RSA check; a corrupted image and another
/// fleet's signature are refused; the switch to a verified version that never confirms falls back to the old one.
/// </summary>
public sealed class UpdateDownloadTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private const string Pass = "a long code-signing passphrase";
    private const int Size = 100 * 1024;

    [Fact]
    public async Task ADownloadCutManyTimes_AndPowerCutBetweenRanges_EndsWithTheExactImage_WhichVerifies()
    {
        using var folder = new TempFolder();
        (byte[] image, ImageSignature signature, byte[] modulus) = SignedImage(folder, "ca");
        File.WriteAllBytes(folder.Combine("www", "app-1.4.0.bin"), image);
        await using ImageServer server = await ImageServer.StartAsync(folder.Combine("www"), fixture.Host.Pki.ServerCertificate);
        var random = new Random(18);
        server.CutAfter = n => n <= 60 ? random.Next(0, 4000) : (random.Next(4) == 0 ? random.Next(0, 4000) : -1);

        using var source = new HttpRangeSource(server.UrlOf("app-1.4.0.bin"), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        using var flash = new DirectoryFlashFileSystem();
        string staging = folder.Combine("flash", "update");
        StagedDownload download = StagedDownload.Open(flash, staging, "job-1", Size, StagedDownload.DefaultChunkBytes);
        int interrupted = 0;
        int reboots = 0;
        for (int step = 0; step < 2000 && download.StoredBytes < Size; step++)
        {
            DownloadStep outcome = download.Step(source);
            Assert.NotEqual(DownloadStep.Refused, outcome);
            interrupted += outcome == DownloadStep.Interrupted ? 1 : 0;
            if (step % 7 == 6)
            {
                // A power cut: the car boots and opens the same job's download again, from its checkpoint.
                download = StagedDownload.Open(flash, staging, "job-1", Size, StagedDownload.DefaultChunkBytes);
                reboots++;
            }
        }

        Assert.Equal(Size, download.StoredBytes);
        Assert.True(interrupted >= 50, "cuts seen: " + interrupted);
        Assert.True(reboots >= 5);
        Assert.Equal(
            UpdateCheck.Ok,
            UpdateVerifier.Check(download.Digest(), Convert.FromHexString(signature.Sha256), signature.Version, Convert.FromBase64String(signature.Signature), modulus));
        byte[] stored = new byte[Size];
        Assert.Equal(Size, download.ReadImage(0, stored, 0, Size));
        Assert.Equal(image, stored);
        Assert.True(source.Drops >= interrupted, source.Drops + " drops, " + interrupted + " interrupted steps");
    }

    [Fact]
    public async Task ACorruptedImage_AndAnotherFleetsSignature_AreRefusedBeforeAnySwitch_AndAMissingImageIsARefusal()
    {
        using var folder = new TempFolder();
        (byte[] image, ImageSignature signature, byte[] modulus) = SignedImage(folder, "ca");
        (_, ImageSignature foreign, _) = SignedImage(folder, "other-ca", image);
        byte[] corrupted = image.ToArray();
        corrupted[Size / 2] ^= 0x20;
        File.WriteAllBytes(folder.Combine("www", "corrupt.bin"), corrupted);
        File.WriteAllBytes(folder.Combine("www", "good.bin"), image);
        await using ImageServer server = await ImageServer.StartAsync(folder.Combine("www"), fixture.Host.Pki.ServerCertificate);
        using var flash = new DirectoryFlashFileSystem();

        byte[]? corruptDigest = Fetch(server, flash, folder.Combine("flash", "a"), "corrupt.bin");
        Assert.Equal(UpdateCheck.Digest, UpdateVerifier.Check(corruptDigest, Convert.FromHexString(signature.Sha256), "1.4.0", Convert.FromBase64String(signature.Signature), modulus));

        byte[]? goodDigest = Fetch(server, flash, folder.Combine("flash", "b"), "good.bin");
        Assert.Equal(UpdateCheck.Signature, UpdateVerifier.Check(goodDigest, Convert.FromHexString(foreign.Sha256), "1.4.0", Convert.FromBase64String(foreign.Signature), modulus));
        Assert.Equal(UpdateCheck.Ok, UpdateVerifier.Check(goodDigest, Convert.FromHexString(signature.Sha256), "1.4.0", Convert.FromBase64String(signature.Signature), modulus));

        using var source = new HttpRangeSource(server.UrlOf("gone.bin"), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        Assert.Equal(DownloadStep.Refused, StagedDownload.Open(flash, folder.Combine("flash", "c"), "job-3", Size, 4096).Step(source));
    }

    [Fact]
    public async Task AServerTheCarDoesNotTrust_GivesNoBytes()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("www"));
        File.WriteAllBytes(folder.Combine("www", "x.bin"), new byte[10]);
        using var rsa = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using ImageServer server = await ImageServer.StartAsync(folder.Combine("www"), selfSigned);
        using var source = new HttpRangeSource(server.UrlOf("x.bin"), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        Assert.Equal(RangeResult.LinkDown, source.Read(0, new byte[10], 10, out int read));
        Assert.Equal(0, read);
    }

    [Fact]
    public void AVerifiedVersionThatNeverConfirms_FallsBackToTheOldOne_AfterThreeBoots()
    {
        using var folder = new TempFolder();
        using var flash = new DirectoryFlashFileSystem();
        var store = new BootStateStore(flash, folder.Combine("boot"));
        Assert.True(store.Save(new BootState("1.3.0", string.Empty, string.Empty, 0).Stage("1.4.0")));
        var images = new Intact();
        var ran = new List<string>();
        for (int boot = 0; boot < 6; boot++)
        {
            string version = BootSelector.Choose(store.Load(), images, out BootState next, out _);
            Assert.True(store.Save(next));
            ran.Add(version);
        }

        Assert.Equal(["1.4.0", "1.4.0", "1.4.0", "1.3.0", "1.3.0", "1.3.0"], ran);
        Assert.Equal("1.3.0", store.Load().Confirmed);
    }

    private byte[]? Fetch(ImageServer server, DirectoryFlashFileSystem flash, string directory, string name)
    {
        using var source = new HttpRangeSource(server.UrlOf(name), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        StagedDownload download = StagedDownload.Open(flash, directory, name, Size, 8192);
        for (int i = 0; i < 100 && download.Step(source) != DownloadStep.Complete; i++)
        {
        }

        Assert.Equal(Size, download.StoredBytes);
        return download.Digest();
    }

    private static (byte[] Image, ImageSignature Signature, byte[] Modulus) SignedImage(TempFolder folder, string caName, byte[]? image = null)
    {
        Directory.CreateDirectory(folder.Combine("www"));
        string ca = folder.Combine(caName);
        FleetCa.Create(ca, Pass, new FleetCaOptions { KdfIterations = 1000 }).Dispose();
        byte[] modulus = CodeSigning.Create(ca, Pass, kdfIterations: 1000);
        image ??= UpdateImages.Pack("1.4.0", Size);
        return (image, CodeSigning.Sign(ca, Pass, image, "1.4.0"), modulus);
    }

    private sealed class Intact : IImageCatalog
    {
        public bool IsIntact(string version) => true;
    }
}
