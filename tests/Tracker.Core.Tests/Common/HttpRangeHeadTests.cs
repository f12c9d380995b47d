using System.Text;
using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>
/// The head of an answer to a range request, read strictly: a real S3-shaped 206, the refusals, and every
/// malformed, truncated and random head refused without a throw and without an invented value.
/// </summary>
public class HttpRangeHeadTests
{
    // The shape of S3's answer to a ranged GET of a pre-signed URL (headers as S3 sends them).
    internal const string S3Partial =
        "HTTP/1.1 206 Partial Content\r\n" +
        "x-amz-id-2: 9Zq0f6JcB4Q7m0hQq2i1zQ=\r\n" +
        "x-amz-request-id: 4B2E1F2A3C4D5E6F\r\n" +
        "Date: Mon, 07 Dec 2026 09:00:00 GMT\r\n" +
        "Last-Modified: Sun, 06 Dec 2026 18:00:00 GMT\r\n" +
        "ETag: \"3858f62230ac3c915f300c664312c11f\"\r\n" +
        "Accept-Ranges: bytes\r\n" +
        "Content-Range: bytes 4096-8191/102400\r\n" +
        "Content-Type: application/octet-stream\r\n" +
        "Server: AmazonS3\r\n" +
        "Content-Length: 4096\r\n" +
        "\r\n";

    private static bool Parse(string text, out HttpRangeHead? head)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        return HttpRangeHead.TryParse(bytes, bytes.Length, out head, out _);
    }

    [Fact]
    public void AnS3PartialAnswer_GivesItsStatusRangeAndLength()
    {
        Assert.True(Parse(S3Partial, out HttpRangeHead? head));
        Assert.Equal(206, head!.Status);
        Assert.Equal((4096L, 8191L, 102400L, 4096L), (head.RangeFirst, head.RangeLast, head.RangeTotal, head.ContentLength));
        Assert.Equal(4096, head.RangeLength);
        Assert.False(head.HasTransferEncoding);
        Assert.False(head.Closes);
    }

    [Fact]
    public void FindEnd_FindsTheEmptyLine_AndNothingInAHalfHead()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(S3Partial + "BODY");
        Assert.Equal(S3Partial.Length, HttpRangeHead.FindEnd(bytes, bytes.Length));
        Assert.Equal(-1, HttpRangeHead.FindEnd(bytes, S3Partial.Length - 1));
        Assert.Equal(-1, HttpRangeHead.FindEnd(null!, 10));
    }

    [Theory]
    [InlineData("HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n\r\n", 403)]
    [InlineData("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */102400\r\n\r\n", 416)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 102400\r\n\r\n", 200)]
    [InlineData("HTTP/1.1 206 \r\nContent-Range: bytes 0-0/1\r\n\r\n", 206)]
    [InlineData("HTTP/1.1 206\r\nContent-Range: bytes 0-0/*\r\n\r\n", 206)]
    public void TheStatusIsRead_WithOrWithoutAReason(string text, int status)
    {
        Assert.True(Parse(text, out HttpRangeHead? head));
        Assert.Equal(status, head!.Status);
    }

    [Fact]
    public void AnUnsatisfiedRange_NamesNoBytes_ButItsTotal()
    {
        Assert.True(Parse("HTTP/1.1 416 x\r\nContent-Range: bytes */102400\r\n\r\n", out HttpRangeHead? head));
        Assert.Equal((-1L, -1L, 102400L), (head!.RangeFirst, head.RangeLast, head.RangeTotal));
        Assert.Equal(-1, head.RangeLength);
    }

    [Fact]
    public void HeaderNamesAreCaseInsensitive_AndConnectionCloseOrHttp10_Closes()
    {
        Assert.True(Parse("HTTP/1.1 206 P\r\ncontent-range: bytes 0-9/10\r\nCONTENT-LENGTH:10\r\nConnection: Keep-Alive, Close\r\n\r\n", out HttpRangeHead? head));
        Assert.Equal((0L, 9L, 10L), (head!.RangeFirst, head.RangeLast, head.ContentLength));
        Assert.True(head.Closes);
        Assert.True(Parse("HTTP/1.0 206 P\r\nContent-Range: bytes 0-9/10\r\n\r\n", out head));
        Assert.True(head!.Closes);
        Assert.True(Parse("HTTP/1.1 206 P\r\nTransfer-Encoding: chunked\r\nContent-Range: bytes 0-9/10\r\n\r\n", out head));
        Assert.True(head!.HasTransferEncoding);
        Assert.Equal(-1, head.ContentLength); // absent is unknown, not zero
    }

    [Theory]
    [InlineData("", "no head")]
    [InlineData("HTTP/1.1 206 P\r\n", "no empty line")]
    [InlineData("HTTP/1.1 206 P\n\n\r\n\r\n", "bare LF")]
    [InlineData("HTTP/2 206 P\r\n\r\n", "HTTP/2")]
    [InlineData("HTTP/1.1 20 P\r\n\r\n", "two-digit status")]
    [InlineData("HTTP/1.1 2066 P\r\n\r\n", "four-digit status")]
    [InlineData("HTTP/1.1 099 P\r\n\r\n", "status below 100")]
    [InlineData("HTTP/1.1  206 P\r\n\r\n", "two spaces")]
    [InlineData("http/1.1 206 P\r\n\r\n", "lower-case version")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length : 10\r\n\r\n", "space before the colon")]
    [InlineData("HTTP/1.1 206 P\r\nX-A: 1\r\n folded\r\n\r\n", "obsolete folding")]
    [InlineData("HTTP/1.1 206 P\r\nNoColon\r\n\r\n", "no colon")]
    [InlineData("HTTP/1.1 206 P\r\n: value\r\n\r\n", "no name")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n", "two lengths")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length: -1\r\n\r\n", "negative length")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length: 1 0\r\n\r\n", "length with a space")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length: 9999999999999999\r\n\r\n", "length of 16 digits")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Length:\r\n\r\n", "empty length")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes 9-0/10\r\n\r\n", "last before first")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes 0-10/10\r\n\r\n", "last past the total")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: items 0-9/10\r\n\r\n", "another unit")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9\r\n\r\n", "no total")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/\r\n\r\n", "empty total")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes -9/10\r\n\r\n", "no first")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes */*\r\n\r\n", "no total at all")]
    [InlineData("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/10\r\nContent-Range: bytes 0-9/10\r\n\r\n", "two ranges")]
    [InlineData("HTTP/1.1 206 P\r\nX-A: a\u0001b\r\n\r\n", "control character")]
    public void AMalformedHead_IsRefused_WithAProblem(string text, string why)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        Assert.False(HttpRangeHead.TryParse(bytes, bytes.Length, out HttpRangeHead? head, out string problem), why);
        Assert.Null(head);
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void AHeadLongerThanTheLimit_IsRefused()
    {
        string text = "HTTP/1.1 206 P\r\nX-Pad: " + new string('a', HttpRangeHead.MaxLength) + "\r\n\r\n";
        Assert.False(Parse(text, out _));
        Assert.False(HttpRangeHead.TryParse(new byte[8], 9, out _, out _)); // a length past the buffer
    }

    [Fact]
    public void EveryTruncation_OfARealHead_IsRefusedOrFindsNoEnd_WithoutAThrow()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(S3Partial);
        for (int n = 0; n < bytes.Length; n++)
        {
            Assert.Equal(-1, HttpRangeHead.FindEnd(bytes, n));
            Assert.False(HttpRangeHead.TryParse(bytes, n, out HttpRangeHead? head, out _));
            Assert.Null(head);
        }
    }

    [Fact]
    public void RandomAndMutatedHeads_NeverThrow_AndWhatParsesIsConsistent()
    {
        byte[] good = Encoding.ASCII.GetBytes(S3Partial);
        var random = new Random(18);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = (byte[])good.Clone();
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }
            else
            {
                bytes = new byte[random.Next(1, 300)];
                random.NextBytes(bytes);
            }

            int end = HttpRangeHead.FindEnd(bytes, bytes.Length);
            if (HttpRangeHead.TryParse(bytes, end < 0 ? bytes.Length : end, out HttpRangeHead? head, out string problem))
            {
                parsed++;
                Assert.InRange(head!.Status, 100, 999);
                Assert.True(head.RangeFirst < 0 || (head.RangeFirst <= head.RangeLast && (head.RangeTotal < 0 || head.RangeLast < head.RangeTotal)));
                Assert.True(head.ContentLength >= -1);
            }
            else
            {
                Assert.Null(head);
                Assert.NotEmpty(problem);
            }
        }

        Assert.True(parsed > 1000, "mutations that still parse: " + parsed); // most single-byte changes land in a value
    }
}
