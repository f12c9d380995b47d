using System.Text;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Common;

/// <summary>
/// The Wi-Fi path's range requests on a bare TLS connection, against an in-test HTTP server that answers byte by
/// byte as a socket delivers (in pieces, with cuts, refusals, servers that ignore Range, and garbage): only the
/// bytes asked are taken, refusals are refusals, everything else is a link that is down and opens a new
/// connection, and a whole image still arrives through the staged download after many cuts.
/// </summary>
public class HttpRangeClientTests
{
    private const string Url = "https://images.example:8443/app/1.4.0.img?token=abc";

    [Fact]
    public void TheRequest_NamesThePathHostAndRange()
    {
        var client = new HttpRangeClient(Url, new Server(new byte[10]));
        string request = Encoding.ASCII.GetString(client.Request(4096, 4096));
        Assert.StartsWith("GET /app/1.4.0.img?token=abc HTTP/1.1\r\nHost: images.example:8443\r\nRange: bytes=4096-8191\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", request, StringComparison.Ordinal);
        Assert.Equal(("images.example", 8443), (client.Host, client.Port));
        Assert.Equal(443, new HttpRangeClient("https://images.example/a", new Server(new byte[1])).Port);
    }

    [Theory]
    [InlineData("http://images.example/app")]
    [InlineData("https://user@images.example/app")]
    [InlineData("https://images.example")]
    [InlineData("https://images.example:0/app")]
    public void AUrlOutsideTheImageRule_IsRefusedAtConstruction(string url)
    {
        Assert.Throws<ArgumentException>(() => new HttpRangeClient(url, new Server(new byte[1])));
    }

    [Fact]
    public void RangesArriveInPieces_OnOneKeptConnection()
    {
        byte[] image = Image(10_000);
        var server = new Server(image) { Piece = 7 };
        var client = new HttpRangeClient(Url, server);
        var buffer = new byte[4096];
        for (int offset = 0; offset < image.Length; offset += 4096)
        {
            int count = Math.Min(4096, image.Length - offset);
            Assert.Equal(RangeResult.Ok, client.Read(offset, buffer, count, out int read));
            Assert.Equal(count, read);
            Assert.Equal(image.AsSpan(offset, count).ToArray(), buffer.AsSpan(0, count).ToArray());
        }

        Assert.Equal((1, 3, 0), (client.Connects, client.Requests, client.Drops));
        Assert.Equal(image.Length, client.BytesReceived);
        Assert.Equal("Host: images.example:8443", server.Requests[0].Split("\r\n")[1]);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(416)]
    public void AnExpiredOrGoneImage_IsRefused_AndTheConnectionClosed(int status)
    {
        var server = new Server(Image(100)) { Answer = (_, _, _) => Encoding.ASCII.GetBytes($"HTTP/1.1 {status} No\r\nContent-Length: 0\r\n\r\n") };
        var client = new HttpRangeClient(Url, server);
        Assert.Equal(RangeResult.Refused, client.Read(0, new byte[100], 100, out int read));
        Assert.Equal(0, read);
        Assert.False(server.IsOpen);
    }

    public static TheoryData<string, string> Unusable => new()
    {
        { "ignores Range", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" },
        { "another range", "HTTP/1.1 206 P\r\nContent-Range: bytes 1-100/100\r\nContent-Length: 100\r\n\r\n" },
        { "a shorter range", "HTTP/1.1 206 P\r\nContent-Range: bytes 0-49/100\r\nContent-Length: 50\r\n\r\n" },
        { "a length unlike the range", "HTTP/1.1 206 P\r\nContent-Range: bytes 0-99/100\r\nContent-Length: 99\r\n\r\n" },
        { "chunked", "HTTP/1.1 206 P\r\nContent-Range: bytes 0-99/100\r\nTransfer-Encoding: chunked\r\n\r\n" },
        { "no Content-Range", "HTTP/1.1 206 P\r\nContent-Length: 100\r\n\r\n" },
        { "server error", "HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\n\r\n" },
        { "malformed", "HTTP/1.1 206 P\r\nContent-Range : bytes 0-99/100\r\n\r\n" },
        { "not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void AnAnswerThatIsNotTheRangeAsked_TakesNoByte_AndReconnects(string why, string head)
    {
        byte[] image = Image(100);
        var server = new Server(image) { Answer = (_, _, _) => [.. Encoding.ASCII.GetBytes(head), .. image] };
        var client = new HttpRangeClient(Url, server);
        var buffer = new byte[100];
        Assert.Equal(RangeResult.LinkDown, client.Read(0, buffer, 100, out int read));
        Assert.True(read == 0, why);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.False(server.IsOpen);
        Assert.NotEmpty(client.LastProblem);

        server.Answer = null;
        Assert.Equal(RangeResult.Ok, client.Read(0, buffer, 100, out read));
        Assert.Equal(100, read);
        Assert.Equal(2, client.Connects);
    }

    [Fact]
    public void ACutBeforeTheHeadEnds_IsALinkDown_AndACutMidBody_GivesTheBytesThatArrived()
    {
        byte[] image = Image(4096);
        var server = new Server(image) { CutAfter = 20 };
        var client = new HttpRangeClient(Url, server);
        var buffer = new byte[4096];
        Assert.Equal(RangeResult.LinkDown, client.Read(0, buffer, 4096, out int read));
        Assert.Equal(0, read);

        int head = server.HeadLength(0, 4096);
        server.CutAfter = head + 1000;
        Assert.Equal(RangeResult.Ok, client.Read(0, buffer, 4096, out read));
        Assert.Equal(1000, read);
        Assert.Equal(image.AsSpan(0, 1000).ToArray(), buffer.AsSpan(0, 1000).ToArray());
        Assert.False(server.IsOpen);
        Assert.Equal(2, client.Drops);
    }

    [Fact]
    public void AServerThatNeverConnectsOrAnswers_IsALinkDown()
    {
        var client = new HttpRangeClient(Url, new Server(Image(10)) { RefuseOpen = true });
        Assert.Equal(RangeResult.LinkDown, client.Read(0, new byte[10], 10, out _));
        Assert.Equal("cannot connect", client.LastProblem);
        client = new HttpRangeClient(Url, new Server(Image(10)) { Answer = (_, _, _) => [] });
        Assert.Equal(RangeResult.LinkDown, client.Read(0, new byte[10], 10, out _));
        Assert.Equal("no answer", client.LastProblem);
    }

    [Fact]
    public void AHeadThatNeverEnds_IsDroppedAtTheLimit()
    {
        var client = new HttpRangeClient(Url, new Server(Image(10)) { Answer = (_, _, _) => Encoding.ASCII.GetBytes("HTTP/1.1 206 P\r\nX: " + new string('a', 10_000)) });
        Assert.Equal(RangeResult.LinkDown, client.Read(0, new byte[10], 10, out _));
        Assert.Contains("longer", client.LastProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreBodyThanTheRange_InTheFirstPiece_IsDropped()
    {
        byte[] image = Image(100);
        var server = new Server(image) { Answer = (_, _, _) => [.. Encoding.ASCII.GetBytes("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/100\r\nContent-Length: 10\r\n\r\n"), .. image] };
        Assert.Equal(RangeResult.LinkDown, new HttpRangeClient(Url, server).Read(0, new byte[10], 10, out int read));
        Assert.Equal(0, read);
    }

    [Fact]
    public void ConnectionCloseOrNoLength_OpensANewConnectionForTheNextRange()
    {
        byte[] image = Image(200);
        var server = new Server(image) { Answer = (o, c, img) => [.. Encoding.ASCII.GetBytes($"HTTP/1.1 206 P\r\nContent-Range: bytes {o}-{o + c - 1}/200\r\nConnection: close\r\n\r\n"), .. img.AsSpan(o, c)] };
        var client = new HttpRangeClient(Url, server);
        Assert.Equal(RangeResult.Ok, client.Read(0, new byte[100], 100, out _));
        Assert.False(server.IsOpen);
        Assert.Equal(RangeResult.Ok, client.Read(100, new byte[100], 100, out _));
        Assert.Equal(2, client.Connects);
    }

    [Fact]
    public void ABadRequest_IsRefusedWithoutTouchingTheNetwork()
    {
        var server = new Server(Image(10));
        var client = new HttpRangeClient(Url, server);
        Assert.Equal(RangeResult.Refused, client.Read(-1, new byte[10], 10, out _));
        Assert.Equal(RangeResult.Refused, client.Read(0, new byte[10], 11, out _));
        Assert.Equal(RangeResult.Refused, client.Read(0, new byte[5000], HttpRangeClient.MaxRange + 1, out _));
        Assert.Equal(RangeResult.Refused, client.Read(int.MaxValue - 5, new byte[10], 10, out _));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void GarbageAnswers_NeverThrow_NeverTakeAByte_AndTheNextGoodAnswerIsTaken()
    {
        byte[] image = Image(512);
        var random = new Random(18);
        byte[] good = Encoding.ASCII.GetBytes("HTTP/1.1 206 P\r\nContent-Range: bytes 0-511/512\r\nContent-Length: 512\r\n\r\n");
        var server = new Server(image);
        var client = new HttpRangeClient(Url, server);
        var buffer = new byte[512];
        for (int i = 0; i < 3000; i++)
        {
            byte[] answer;
            switch (i % 3)
            {
                case 0:
                    answer = [.. good.AsSpan(0, random.Next(good.Length))];
                    break;
                case 1:
                    answer = [.. good, .. image];
                    answer[random.Next(good.Length)] = (byte)random.Next(256);
                    break;
                default:
                    answer = new byte[random.Next(1, 600)];
                    random.NextBytes(answer);
                    break;
            }

            server.Answer = (_, _, _) => answer;
            server.Piece = random.Next(1, 64);
            Array.Clear(buffer);
            RangeResult result = client.Read(0, buffer, 512, out int read);
            if (result == RangeResult.Ok)
            {
                // Only a mutation the strict reader still takes (a changed reason or a header value): the bytes are the image's.
                Assert.Equal(image.AsSpan(0, read).ToArray(), buffer.AsSpan(0, read).ToArray());
            }
            else
            {
                Assert.Equal(0, read);
            }
        }

        server.Answer = null;
        Assert.Equal(RangeResult.Ok, client.Read(0, buffer, 512, out int last));
        Assert.Equal(512, last);
    }

    [Fact]
    public void AWholeImage_ArrivesThroughTheStagedDownload_AfterACutEveryFewRanges()
    {
        byte[] image = Image(100 * 1024);
        var random = new Random(7);
        var server = new Server(image) { Piece = 1460 };
        var client = new HttpRangeClient(Url, server);
        var flash = new FaultyFlash();
        StagedDownload download = StagedDownload.Open(flash, "staging", "job-1", image.Length, StagedDownload.DefaultChunkBytes);
        int cuts = 0;
        DownloadStep step = DownloadStep.Progress;
        for (int guard = 0; guard < 10_000 && step != DownloadStep.Complete; guard++)
        {
            server.CutAfter = random.Next(4) == 0 ? random.Next(0, 4200) : -1;
            if (server.CutAfter >= 0)
            {
                cuts++;
            }

            step = download.Step(client);
        }

        Assert.Equal(DownloadStep.Complete, step);
        Assert.True(cuts > 5, "cuts: " + cuts);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(image), download.Digest());
    }

    private static byte[] Image(int size)
    {
        byte[] image = new byte[size];
        new Random(size).NextBytes(image);
        return image;
    }

    /// <summary>An HTTP server on the other end of one connection: answers each request it reads, in pieces, cut on demand.</summary>
    private sealed class Server(byte[] image) : IByteConnection
    {
        private byte[] _pending = [];
        private int _sent;
        private int _answerSent;

        public List<string> Requests { get; } = [];

        public Func<int, int, byte[], byte[]>? Answer { get; set; }

        public int Piece { get; set; } = 4096;

        /// <summary>Bytes of the next answer delivered before the connection drops; -1 for none.</summary>
        public int CutAfter { get; set; } = -1;

        public bool RefuseOpen { get; init; }

        public bool IsOpen { get; private set; }

        public int HeadLength(int offset, int count) => Head(offset, count).Length;

        public bool Open(string host, int port)
        {
            Assert.Equal(("images.example", 8443), (host, port));
            IsOpen = !RefuseOpen;
            return IsOpen;
        }

        public bool Write(byte[] data, int offset, int count)
        {
            Assert.True(IsOpen);
            string request = Encoding.ASCII.GetString(data, offset, count);
            Requests.Add(request);
            string range = request.Split("\r\n").Single(l => l.StartsWith("Range: bytes=", StringComparison.Ordinal))["Range: bytes=".Length..];
            int first = int.Parse(range.Split('-')[0]);
            int last = int.Parse(range.Split('-')[1]);
            int n = last - first + 1;
            _pending = Answer is { } answer ? answer(first, n, image) : [.. Head(first, n), .. image.AsSpan(first, n)];
            _sent = 0;
            _answerSent = 0;
            return true;
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            if (!IsOpen || _sent >= _pending.Length)
            {
                return 0; // a timeout with nothing more to say
            }

            if (CutAfter >= 0 && _answerSent >= CutAfter)
            {
                IsOpen = false;
                return 0;
            }

            int n = Math.Min(Math.Min(count, Piece), _pending.Length - _sent);
            if (CutAfter >= 0)
            {
                n = Math.Min(n, CutAfter - _answerSent);
            }

            Array.Copy(_pending, _sent, buffer, offset, n);
            _sent += n;
            _answerSent += n;
            return n;
        }

        public void Close() => IsOpen = false;

        private byte[] Head(int first, int n) =>
            Encoding.ASCII.GetBytes($"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {first}-{first + n - 1}/{image.Length}\r\nContent-Length: {n}\r\n\r\n");
    }
}
