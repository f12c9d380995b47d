using System.Security.Cryptography;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The staged update download (Control/README.md §2): resumable after any number of link drops and short ranges,
/// after a power cut at every tick of the download, and verified before anything is switched: a corrupted image
/// and an image signed with the wrong key are refused.
/// </summary>
public class StagedDownloadTests
{
    private const string Dir = "staging";

    /// <summary>A server of one image that drops the link or cuts a range short as told.</summary>
    private sealed class FlakySource(byte[] image, Random random, double dropRate) : IRangeSource
    {
        public int Requests { get; private set; }

        public long BytesServed { get; private set; }

        public bool Expired { get; set; }

        public RangeResult Read(int offset, byte[] buffer, int count, out int read)
        {
            Requests++;
            read = 0;
            if (Expired)
            {
                return RangeResult.Refused;
            }

            if (random.NextDouble() < dropRate)
            {
                // Dropped before anything, or mid-range after some bytes.
                read = random.Next(count);
                Array.Copy(image, offset, buffer, 0, read);
                BytesServed += read;
                return random.Next(2) == 0 ? RangeResult.LinkDown : RangeResult.Ok;
            }

            Array.Copy(image, offset, buffer, 0, count);
            read = count;
            BytesServed += count;
            return RangeResult.Ok;
        }
    }

    /// <summary>A random image (the modem's HTTPS tests use it too).</summary>
    internal static byte[] Image(int size, int seed)
    {
        byte[] image = new byte[size];
        new Random(seed).NextBytes(image);
        return image;
    }

    /// <summary>Steps a download until it completes or is refused.</summary>
    internal static DownloadStep RunToEnd(StagedDownload download, IRangeSource source, int maxSteps = 100000)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            DownloadStep step = download.Step(source);
            if (step is DownloadStep.Complete or DownloadStep.Refused)
            {
                return step;
            }
        }

        throw new InvalidOperationException("the download did not finish");
    }

    [Fact]
    public void LinkDropsAndShortRanges_ManyTimes_EndInTheWholeImage()
    {
        byte[] image = Image(100 * 1024, 1);
        var flash = new FaultyFlash();
        var source = new FlakySource(image, new Random(2), dropRate: 0.4);
        StagedDownload download = StagedDownload.Open(flash, Dir, "job-1", image.Length, StagedDownload.DefaultChunkBytes);

        Assert.Equal(DownloadStep.Complete, RunToEnd(download, source));

        Assert.Equal(SHA256.HashData(image), download.Digest());
        Assert.True(source.Requests > 30, source.Requests.ToString());
    }

    [Fact]
    public void AReboot_ResumesWhereTheDownloadStood_WithoutFetchingTheStoredBytesAgain()
    {
        byte[] image = Image(40_000, 3);
        var flash = new FaultyFlash();
        var first = new FlakySource(image, new Random(4), 0);
        StagedDownload download = StagedDownload.Open(flash, Dir, "job-1", image.Length, 4096);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(DownloadStep.Progress, download.Step(first));
        }

        StagedDownload resumed = StagedDownload.Open(flash, Dir, "job-1", image.Length, 4096);
        var second = new FlakySource(image, new Random(5), 0);
        Assert.Equal(5 * 4096, resumed.StoredBytes);
        Assert.Equal(DownloadStep.Complete, RunToEnd(resumed, second));
        Assert.Equal(image.Length - (5 * 4096), second.BytesServed);
        Assert.Equal(SHA256.HashData(image), resumed.Digest());
    }

    [Fact]
    public void AnotherJob_StartsAfresh()
    {
        byte[] image = Image(10_000, 6);
        var flash = new FaultyFlash();
        StagedDownload download = StagedDownload.Open(flash, Dir, "job-1", image.Length, 4096);
        download.Step(new FlakySource(image, new Random(1), 0));

        StagedDownload other = StagedDownload.Open(flash, Dir, "job-2", image.Length, 4096);

        Assert.Equal(0, other.StoredBytes);
        Assert.Equal(DownloadStep.Complete, RunToEnd(other, new FlakySource(image, new Random(1), 0)));
        Assert.Equal(SHA256.HashData(image), other.Digest());
    }

    [Fact]
    public void AnExpiredUrl_IsRefused_AndTheDownloadGoesOnWithAFreshOne()
    {
        byte[] image = Image(10_000, 7);
        var source = new FlakySource(image, new Random(1), 0) { Expired = true };
        StagedDownload download = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, 4096);

        Assert.Equal(DownloadStep.Refused, download.Step(source));
        source.Expired = false;
        Assert.Equal(DownloadStep.Complete, RunToEnd(download, source));
    }

    [Fact]
    public void APowerCutAtEveryTick_ThenAReboot_StillEndsInTheWholeImage()
    {
        byte[] image = Image(2500, 8); // three ranges of 1,024 bytes, the last one short
        var measure = new FaultyFlash();
        RunToEnd(StagedDownload.Open(measure, Dir, "job-1", image.Length, 1024), new FlakySource(image, new Random(1), 0));
        long cost = measure.Ticks;

        for (long cut = 0; cut <= cost; cut++)
        {
            var flash = new FaultyFlash((int)cut) { CutAt = cut };
            try
            {
                RunToEnd(StagedDownload.Open(flash, Dir, "job-1", image.Length, 1024), new FlakySource(image, new Random(1), 0), 200);
            }
            catch (Exception e) when (e is PowerCutException or InvalidOperationException)
            {
                // The power went during the download (or the dead flash made every step fail).
            }

            flash.Reboot();
            StagedDownload resumed = StagedDownload.Open(flash, Dir, "job-1", image.Length, 1024);
            Assert.Equal(DownloadStep.Complete, RunToEnd(resumed, new FlakySource(image, new Random(1), 0)));
            byte[]? digest = resumed.Digest();
            Assert.True(digest is not null && digest.AsSpan().SequenceEqual(SHA256.HashData(image)), $"cut at tick {cut}");
        }
    }

    [Fact]
    public void ACorruptedImage_AndAWrongKeysSignature_AreRefused_OnlyTheGenuineOnePasses()
    {
        using RSA fleet = RSA.Create(2048);
        using RSA other = RSA.Create(2048);
        byte[] modulus = fleet.ExportParameters(false).Modulus!;
        byte[] image = Image(20_000, 9);
        byte[] digest = SHA256.HashData(image);
        byte[] signature = fleet.SignHash(UpdateVerifier.SignedDigest(digest, "1.1.0"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[] wrongKey = other.SignHash(UpdateVerifier.SignedDigest(digest, "1.1.0"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        StagedDownload genuine = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, 4096);
        RunToEnd(genuine, new FlakySource(image, new Random(1), 0.2));
        byte[] corrupted = (byte[])image.Clone();
        corrupted[12_345] ^= 0x40;
        StagedDownload bad = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, 4096);
        RunToEnd(bad, new FlakySource(corrupted, new Random(1), 0));

        Assert.Equal(UpdateCheck.Ok, UpdateVerifier.Check(genuine.Digest(), digest, "1.1.0", signature, modulus));
        Assert.Equal(UpdateCheck.Digest, UpdateVerifier.Check(bad.Digest(), digest, "1.1.0", signature, modulus));
        Assert.Equal(UpdateCheck.Signature, UpdateVerifier.Check(genuine.Digest(), digest, "1.1.0", wrongKey, modulus));
        Assert.Equal(UpdateCheck.Signature, UpdateVerifier.Check(genuine.Digest(), digest, "9.9.9", signature, modulus)); // replayed under another version
        Assert.Equal(UpdateCheck.Incomplete, UpdateVerifier.Check(null, digest, "1.1.0", signature, modulus));
    }
}
