using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tracker.Core.Uplink;
using Tracker.Core.Time;

namespace Tracker.Testing.Tests;

/// <summary>The shared test support behaves as every project relies on it: bounded waits, free ports, folders that go, clocks that stay put, a link that acks.</summary>
public sealed class SupportTests
{
    [Fact]
    public void PollUntil_ConditionThatComesTrue_ReturnsTrueSoonAfter()
    {
        var clock = Stopwatch.StartNew();
        int looks = 0;

        bool held = Poll.Until(() => ++looks == 3, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(1));

        Assert.True(held);
        Assert.Equal(3, looks);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task PollUntilAsync_ConditionThatNeverHolds_ReturnsFalseAtTheDeadline_AfterALastLook()
    {
        var clock = Stopwatch.StartNew();
        int looks = 0;

        bool held = await Poll.UntilAsync(() => { looks++; return false; }, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10));

        Assert.False(held);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(100));
        Assert.True(looks >= 2);
    }

    [Fact]
    public void FreePort_CanBeBoundOnLoopback()
    {
        int port = FreePort.OnLoopback();

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1, 65535);
    }

    [Fact]
    public void TempFolder_IsGoneAfterDispose_EvenWithAReadOnlyFolderInside()
    {
        string path;
        using (var folder = new TempFolder("tracker-testing-tests-"))
        {
            path = folder.Path;
            string inner = Directory.CreateDirectory(folder.Combine("locked")).FullName;
            File.WriteAllText(Path.Combine(inner, "file"), "x");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(inner, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }

            Assert.True(Directory.Exists(path));
        }

        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void TempFolder_TreeHash_ChangesWithAnyByteAndSaysAbsent()
    {
        using var folder = new TempFolder();
        string empty = folder.TreeHash();
        File.WriteAllText(folder.Combine("a"), "1");
        string one = folder.TreeHash();
        File.WriteAllText(folder.Combine("a"), "2");

        Assert.NotEqual(empty, one);
        Assert.NotEqual(one, folder.TreeHash());
        Assert.Equal("absent", TempFolder.TreeHash(folder.Combine("nothing-here")));
    }

    [Fact]
    public void ManualClock_MovesOnlyWhenTold()
    {
        var clock = new ManualClock(1_000_000);

        Assert.Equal(1_000_000, clock.GetUtcNow().ToUnixTimeMilliseconds());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1_002_000, clock.NowMs);
        clock.Now = DateTimeOffset.FromUnixTimeMilliseconds(5);
        Assert.Equal(5, clock.NowMs);
    }

    [Fact]
    public void ManualWallClock_IsValidAtItsTime_UntilTold()
    {
        var clock = new ManualWallClock(42);

        Assert.True(clock.IsValid);
        Assert.Equal(42, clock.UtcNowMs);
        clock.IsValid = false;
        Assert.False(((IWallClock)clock).IsValid);
    }

    [Fact]
    public void AckingLink_AcknowledgesEveryQos1MessageInOrder_AndNothingWhileDisconnected()
    {
        var link = new AckingLink();
        byte[] payload = [1, 2, 3];

        Assert.Equal(LinkResult.NotConnected, link.Publish("t", payload, 0, 3, 1, out _));
        link.Connect(new MqttConnectOptions("car", 60, null, null, true));
        link.Publish("t", payload, 1, 2, 1, out int first);
        link.Publish("t", payload, 0, 1, 0, out int unacked);
        link.Publish("t", payload, 0, 3, 1, out int second);

        Assert.Equal(0, unacked);
        Assert.True(link.TryTakeCompletion(out int id, out bool delivered) && delivered && id == first);
        Assert.True(link.TryTakeCompletion(out id, out _) && id == second);
        Assert.False(link.TryTakeCompletion(out _, out _));
        Assert.Equal([2, 3], link.Published[0].Payload);
        Assert.Equal(3, link.Published.Count);
    }

    [Fact]
    public void AckingLink_PacketIds_WrapFrom65535To1()
    {
        var link = new AckingLink(keepPublished: false);
        link.Connect(new MqttConnectOptions("car", 60, null, null, true));
        int last = 0;
        for (int i = 0; i < 65536; i++)
        {
            link.Publish("t", [0], 0, 1, 1, out last);
            link.TryTakeCompletion(out _, out _);
        }

        Assert.Equal(1, last);
        Assert.Empty(link.Published);
    }

    [Fact]
    public async Task LoopbackHttpServer_AnswersWithTheHandler_AndStopsOnDispose()
    {
        string origin;
        using (var server = new LoopbackHttpServer(async context =>
        {
            context.Response.StatusCode = context.Request.Url!.AbsolutePath == "/ok" ? 200 : 404;
            await context.Response.OutputStream.WriteAsync("hello"u8.ToArray());
        }))
        {
            origin = server.Origin;
            using var http = new HttpClient();
            Assert.Equal("hello", await http.GetStringAsync(origin + "/ok"));
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(origin + "/other")).StatusCode);
        }

        using var after = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync(origin + "/ok"));
    }

    [Fact]
    public void WireBatch_DecodesToTheFixesItWasGiven()
    {
        Tracker.Core.Fixes.Fix[] fixes = [Tracker.Core.Fixes.Fix.Create(1_750_000_000_000, 523_791_000, 49_003_000), Tracker.Core.Fixes.Fix.Create(1_750_000_001_000, 523_791_090, 49_003_000)];
        fixes[0].Mode = fixes[1].Mode = Tracker.Core.Fixes.FixMode.ThreeD;
        fixes[0].Quality = fixes[1].Quality = Tracker.Core.Fixes.FixQuality.Autonomous;

        byte[] batch = WireBatch.Encode(fixes);

        var decoded = new Tracker.Core.Fixes.Fix[2];
        Assert.True(Tracker.Core.Wire.BatchDecoder.TryDecode(batch, 0, batch.Length, decoded, out int n, out _));
        Assert.Equal(2, n);
        Assert.Equal(fixes[1].LatE7, decoded[1].LatE7);
    }
}
