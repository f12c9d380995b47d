using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Core.Modem;
using Tracker.Core.Tests.Control;
using Tracker.Core.Tests.Storage;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Modem;

/// <summary>
/// An update image over the SIM7080G's own HTTPS client (issue 18), against the simulated modem: byte-exact through
/// cut links, refusals, other URCs kept for the MQTT link, and what 100 KB costs on the UART.
/// </summary>
public sealed class Sim7080HttpsRangeTests(ITestOutputHelper output)
{
    private const string Url = "https://images.example:8443/image?X-Amz-Signature=abc";
    private const string Dir = "staging";

    private static ModemRig UpRig(byte[] image, Action<Sim7080Simulator>? setup = null)
    {
        var rig = new ModemRig(setup: sim =>
        {
            sim.HttpImage = image;
            sim.HttpPath = "/image?X-Amz-Signature=abc";
            setup?.Invoke(sim);
        });
        rig.ConnectOk();
        return rig;
    }

    [Fact]
    public void A100KbImage_ArrivesByteExact_OverTheModemsHttpsClient_AndItsCostIsReported()
    {
        byte[] image = StagedDownloadTests.Image(100 * 1024, 1);
        ModemRig rig = UpRig(image);
        long fromHost = rig.Sim.BytesFromHost;
        long toHost = rig.Sim.BytesToHost;
        long startMs = rig.Clock.NowMs;
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        StagedDownload download = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, StagedDownload.DefaultChunkBytes);

        Assert.Equal(DownloadStep.Complete, StagedDownloadTests.RunToEnd(download, source));

        Assert.Equal(SHA256.HashData(image), download.Digest());
        Assert.Equal(1, source.Connects);
        Assert.Equal(25, source.Requests);
        Assert.Equal(200, rig.Sim.HttpReads);
        long uartIn = rig.Sim.BytesToHost - toHost;
        long uartOut = rig.Sim.BytesFromHost - fromHost;
        double seconds = (rig.Clock.NowMs - startMs) / 1000.0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"100 KiB image: {source.Requests} ranges of 4 KiB, {rig.Sim.HttpReads} AT+SHREAD; UART to the ESP32 {uartIn} bytes ({(uartIn - image.Length) * 100.0 / image.Length:0.0}% over the image), to the modem {uartOut} bytes; {seconds:0.0} s on the simulator's clock (1.5 s TLS connect, 300 ms per request, 3 ms per AT answer)"));
        Assert.InRange(uartIn - image.Length, 1, image.Length / 10);

        // The MQTT link is still up and was never touched.
        Assert.Equal(1, rig.Sim.MqttState);
    }

    [Fact]
    public void TheLinkCutManyTimes_MidBody_ResumesFromTheCheckpoint_ToTheExactImage()
    {
        byte[] image = StagedDownloadTests.Image(100 * 1024, 2);
        ModemRig rig = UpRig(image, sim =>
        {
            sim.HttpCutEveryReads = 11;
            sim.HttpConnectRefusals = 3;
            sim.RandomChunks = true;
            sim.MaxChunk = 700;
            sim.UrcNoise = 0.05;
        });
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        StagedDownload download = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, StagedDownload.DefaultChunkBytes);

        Assert.Equal(DownloadStep.Complete, StagedDownloadTests.RunToEnd(download, source));

        Assert.Equal(SHA256.HashData(image), download.Digest());
        Assert.True(source.Drops >= 20, "drops " + source.Drops);
        Assert.True(source.Connects > 20, "connects " + source.Connects);
    }

    [Fact]
    public void ABodyThatLooksLikeAtAnswers_IsTakenAsBytes_NotAsLines()
    {
        // CR LF, OK, ERROR and a read header inside the image: none of them may end or confuse a read.
        byte[] chunk = Encoding.ASCII.GetBytes("\r\nOK\r\n+SHREAD: 5\r\nERROR\r\n+SHREQ: \"GET\",200,9\r\n>");
        byte[] image = new byte[20_000];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = chunk[i % chunk.Length];
        }

        ModemRig rig = UpRig(image, sim => sim.RandomChunks = true);
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        StagedDownload download = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", image.Length, StagedDownload.DefaultChunkBytes);

        Assert.Equal(DownloadStep.Complete, StagedDownloadTests.RunToEnd(download, source));
        Assert.Equal(SHA256.HashData(image), download.Digest());
        Assert.Equal(0, source.Drops);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public void AnExpiredOrMissingImage_IsRefused_AndNoByteIsKept(int status)
    {
        ModemRig rig = UpRig(StagedDownloadTests.Image(10_000, 3), sim => sim.HttpForcedStatus = status);
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        StagedDownload download = StagedDownload.Open(new FaultyFlash(), Dir, "job-1", 10_000, StagedDownload.DefaultChunkBytes);

        Assert.Equal(DownloadStep.Refused, download.Step(source));
        Assert.Equal(0, download.StoredBytes);
        Assert.False(rig.Sim.ShConnected);
    }

    [Fact]
    public void AnAtErrorMidRequest_IsALinkThatIsDown_AndTheNextReadOpensANewConnection()
    {
        byte[] image = StagedDownloadTests.Image(10_000, 4);
        ModemRig rig = UpRig(image);
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        rig.Sim.FailCme("AT+SHAHEAD", 3, "operation not allowed");
        byte[] buffer = new byte[4096];

        Assert.Equal(RangeResult.LinkDown, source.Read(0, buffer, 4096, out int read));
        Assert.Equal(0, read);
        Assert.False(rig.Sim.ShConnected);
        Assert.Equal(RangeResult.Ok, source.Read(0, buffer, 4096, out read));
        Assert.Equal(image.AsSpan(0, 4096).ToArray(), buffer);
        Assert.Equal(2, source.Connects);
    }

    [Fact]
    public void UrcsOfTheMqttLink_ArrivingDuringADownload_StayQueuedForIt()
    {
        byte[] image = StagedDownloadTests.Image(8192, 5);
        ModemRig rig = UpRig(image);
        rig.Sim.UrcBefore("AT+SHREQ", "+SMSUB: \"tracker/car-42/live\",\"on\"");
        var source = new Sim7080HttpsRange(rig.Channel, Url, rig.Options.CaFileName, 2);
        byte[] buffer = new byte[4096];

        Assert.Equal(RangeResult.Ok, source.Read(0, buffer, 4096, out int read));
        Assert.Equal(4096, read);
        Assert.True(rig.Channel.TryTakeUrc(out string urc));
        Assert.StartsWith("+SMSUB:", urc, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://images.example/image")]
    [InlineData("https://images.example")]
    [InlineData("https:///image")]
    [InlineData("https://images.example/a\"b")]
    [InlineData("https://user@images.example/image")]
    [InlineData("")]
    public void AnImageUrlItCannotSend_IsRefusedAtOnce(string url)
    {
        var rig = new ModemRig();
        Assert.Throws<ArgumentException>(() => new Sim7080HttpsRange(rig.Channel, url, "ca.pem", 2));
    }

    [Fact]
    public void ARenewedUrl_MustBeOnTheSameHost()
    {
        var rig = new ModemRig();
        var source = new Sim7080HttpsRange(rig.Channel, Url, "ca.pem", 2);
        Assert.True(source.Renew("https://images.example:8443/image?X-Amz-Signature=new"));
        Assert.False(source.Renew("https://evil.example:8443/image"));
        Assert.False(source.Renew("https://images.example/image"));
    }

    [Theory]
    [InlineData("+SHREQ: \"GET\",206,4096", 206, 4096)]
    [InlineData("+SHREQ: \"GET\",603,0", 603, 0)]
    public void TheRequestUrc_Parses(string line, int status, int length)
    {
        Assert.True(Sim7080HttpsRange.TryParseRequest(line, out int s, out int n));
        Assert.Equal((status, length), (s, n));
    }

    [Property(MaxTest = 500)]
    public Property AnyRequestUrcText_NeverThrows_AndNeverGivesANegativeLength(NonNull<string> text)
    {
        bool ok = Sim7080HttpsRange.TryParseRequest("+SHREQ: " + text.Get, out int status, out int length);
        return (!ok || (length >= 0 && status is >= 100 and <= 999)).ToProperty();
    }

    [Theory]
    [InlineData("+SHREAD: 99999")]
    [InlineData("+SHREAD: -1")]
    [InlineData("+SHREAD: x")]
    public void AReadHeaderOutOfRange_EndsTheReadAsAnError_WithNoBytes(string header)
    {
        var clock = new VirtualClock();
        var serial = new ScriptedSerial(clock);
        serial.Add("\r\nOK\r\n\r\n" + header + "\r\nabc", atMs: 5);
        var at = new AtChannel(serial, clock);
        byte[] buffer = new byte[512];

        AtResult r = at.ExecuteReadData("AT+SHREAD=0,512", "+SHREAD: ", buffer, 0, 512, 1000, out int read);

        Assert.Equal(AtStatus.Error, r.Status);
        Assert.Equal(0, read);
    }
}
