using System.Security.Cryptography;
using Tracker.Cloud.Local.Updates;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Device.Storage;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The device's Wi-Fi download path end to end against the real HTTPS image server on 127.0.0.1: the core's own range
/// requests (<see cref="HttpRangeClient"/>, which the device runs over <c>Socket</c> + <c>SslStream</c> because
/// nanoFramework has no HttpWebRequest) over a TLS socket, into the firmware's StagedDownload while the server cuts
/// the link mid-body again and again: the exact image arrives; a missing image and a URL without its token are
/// refusals. (A server the car does not trust: UpdateDownloadTests, through the same trust check.)
/// </summary>
public sealed class WifiDownloadTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private const int Size = 100 * 1024;

    [Fact]
    public async Task TheCoresRangeRequests_OverATlsSocket_FetchTheExactImage_ThroughManyCuts()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("www"));
        byte[] image = RandomNumberGenerator.GetBytes(Size);
        File.WriteAllBytes(folder.Combine("www", "app-1.4.0.bin"), image);
        await using ImageServer server = await ImageServer.StartAsync(folder.Combine("www"), fixture.Host.Pki.ServerCertificate);
        var random = new Random(18);
        server.CutAfter = n => n <= 40 ? random.Next(0, 4000) : (random.Next(4) == 0 ? random.Next(0, 4000) : -1);

        using var connection = new TlsByteConnection(fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        var client = new HttpRangeClient(server.UrlOf("app-1.4.0.bin").ToString(), connection);
        using var flash = new DirectoryFlashFileSystem();
        StagedDownload download = StagedDownload.Open(flash, folder.Combine("flash", "update"), "job-1", Size, StagedDownload.DefaultChunkBytes);
        int interrupted = 0;
        for (int step = 0; step < 2000 && download.StoredBytes < Size; step++)
        {
            DownloadStep outcome = download.Step(client);
            Assert.NotEqual(DownloadStep.Refused, outcome);
            interrupted += outcome == DownloadStep.Interrupted ? 1 : 0;
        }

        Assert.Equal(Size, download.StoredBytes);
        Assert.True(interrupted >= 30, "cuts seen: " + interrupted);
        Assert.True(server.Cuts >= 30, "server cuts: " + server.Cuts);
        Assert.True(connection.Opened > 1 && connection.Opened <= interrupted + 1, connection.Opened + " connections for " + interrupted + " cuts");
        byte[] stored = new byte[Size];
        Assert.Equal(Size, download.ReadImage(0, stored, 0, Size));
        Assert.Equal(image, stored);
        Assert.Equal(SHA256.HashData(image), download.Digest());
    }

    [Fact]
    public async Task AMissingImage_AndAUrlWithoutItsToken_AreRefusals_NotLinkDrops()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("www"));
        File.WriteAllBytes(folder.Combine("www", "x.bin"), new byte[100]);
        await using ImageServer open = await ImageServer.StartAsync(folder.Combine("www"), fixture.Host.Pki.ServerCertificate);
        using var connection = new TlsByteConnection(fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        Assert.Equal(RangeResult.Refused, new HttpRangeClient(open.UrlOf("gone.bin").ToString(), connection).Read(0, new byte[10], 10, out int read));
        Assert.Equal(0, read);

        await using ImageServer tokened = await ImageServer.StartAsync(folder.Combine("www"), fixture.Host.Pki.ServerCertificate, RandomNumberGenerator.GetBytes(32));
        Assert.Equal(RangeResult.Refused, new HttpRangeClient(tokened.UrlOf("x.bin").ToString(), connection).Read(0, new byte[10], 10, out read));
        Assert.Equal(1, tokened.Refused);
    }
}
