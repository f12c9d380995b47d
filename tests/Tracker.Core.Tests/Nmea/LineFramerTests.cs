using System.Text;
using Tracker.Core.Nmea;

namespace Tracker.Core.Tests.Nmea;

public class LineFramerTests
{
    private static List<string> Frame(byte[] input, int chunk, NmeaLineFramer? framer = null)
    {
        framer ??= new NmeaLineFramer();
        var lines = new List<string>();
        for (int offset = 0; offset < input.Length; offset += chunk)
        {
            int count = Math.Min(chunk, input.Length - offset), used = 0;
            while (used < count)
            {
                used += framer.Push(input, offset + used, count - used);
                if (framer.HasLine)
                {
                    lines.Add(Encoding.ASCII.GetString(framer.Line, 0, framer.LineLength));
                }
            }
        }

        return lines;
    }

    [Fact]
    public void SentenceSplitAcrossReads_IsKept_AtEverySplitPoint()
    {
        byte[] input = Encoding.ASCII.GetBytes(NmeaTestKit.GoodEpoch);
        List<string> whole = Frame(input, input.Length);
        Assert.Equal(4, whole.Count);
        for (int chunk = 1; chunk < input.Length; chunk++)
        {
            Assert.Equal(whole, Frame(input, chunk));
        }
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\n\r")]
    [InlineData("\r\r\n\n")]
    public void LineEndings_AllVariants_YieldTheSameLines(string ending)
    {
        string text = "$GPGSA,A,1,,,,,,,,,,,,,,,*1E" + ending + "$GPGSA,A,1,,,,,,,,,,,,,,,*1E" + ending;
        Assert.Equal(["$GPGSA,A,1,,,,,,,,,,,,,,,*1E", "$GPGSA,A,1,,,,,,,,,,,,,,,*1E"], Frame(Encoding.ASCII.GetBytes(text), 3));
    }

    [Fact]
    public void GarbageAndBinaryBetweenSentences_AreSkipped_AndCounted()
    {
        var input = new List<byte>();
        input.AddRange(Encoding.ASCII.GetBytes("*** program startup ***\r\n"));
        input.AddRange([0xB5, 0x62, 0x01, 0x07, 0x00, 0xFF, 0x24, 0x00, 0x13]); // a UBX frame holding a '$'
        input.AddRange(Encoding.ASCII.GetBytes("$GPGSA,A,1,,,,,,,,,,,,,,,*1E\r\n"));
        var framer = new NmeaLineFramer();

        List<string> lines = Frame(input.ToArray(), 5, framer);

        Assert.Equal(["$GPGSA,A,1,,,,,,,,,,,,,,,*1E"], lines);
        Assert.True(framer.SkippedBytes > 20);
        Assert.Equal(1, framer.BrokenLines);
    }

    [Fact]
    public void NewDollarMidLine_AbandonsThePartialLine_AndResyncs()
    {
        var framer = new NmeaLineFramer();
        List<string> lines = Frame(Encoding.ASCII.GetBytes("$GPGGA,1234$GPGSA,A,1,,,,,,,,,,,,,,,*1E\n"), 7, framer);
        Assert.Equal(["$GPGSA,A,1,,,,,,,,,,,,,,,*1E"], lines);
        Assert.Equal(1, framer.BrokenLines);
    }

    [Fact]
    public void OverlongLine_IsDroppedWhole_AndTheNextLineSurvives()
    {
        var framer = new NmeaLineFramer(32);
        string longLine = "$GPGSV," + new string('1', 100) + "\r\n";
        List<string> lines = Frame(Encoding.ASCII.GetBytes(longLine + "$GPGSA,A,1,,,,,,,,,,,,,,,*1E\r\n"), 9, framer);
        Assert.Equal(["$GPGSA,A,1,,,,,,,,,,,,,,,*1E"], lines);
        Assert.Equal(1, framer.OverlongLines);
    }

    [Fact]
    public void LineAtExactlyTheLimit_IsKept()
    {
        var framer = new NmeaLineFramer(16);
        Assert.Equal(["$ABCDEFGHIJKLMNO"], Frame(Encoding.ASCII.GetBytes("$ABCDEFGHIJKLMNO\n"), 1, framer));
        Assert.Equal(0, framer.OverlongLines);
    }

    [Fact]
    public void UnterminatedLineAtEnd_IsNotDelivered_UntilEndLine()
    {
        var framer = new NmeaLineFramer();
        Assert.Empty(Frame(Encoding.ASCII.GetBytes("$GPGSA,A,1,,,,,,,,,,,,,,,*1E"), 4, framer));
        Assert.True(framer.HasPartialLine);
        Assert.Equal(28, framer.PartialLength);

        Assert.True(framer.EndLine());

        Assert.True(framer.HasLine);
        Assert.Equal("$GPGSA,A,1,,,,,,,,,,,,,,,*1E", Encoding.ASCII.GetString(framer.Line, 0, framer.LineLength));
        Assert.Equal(1, framer.Lines);
        Assert.False(framer.HasPartialLine);
        Assert.False(framer.EndLine());
    }

    [Fact]
    public void EndLine_HoldsNothing_AfterATerminatedLine_OrDuringAnOverlongOne()
    {
        var framer = new NmeaLineFramer(16);
        Frame(Encoding.ASCII.GetBytes("$GPGSA,A,1*1E\r\n"), 3, framer);
        Assert.False(framer.EndLine());

        Frame(Encoding.ASCII.GetBytes("$ABCDEFGHIJKLMNOPQRS"), 5, framer);
        Assert.False(framer.HasPartialLine);
        Assert.False(framer.EndLine());
        Assert.Equal(1, framer.OverlongLines);
    }

    [Fact]
    public void RandomBytes_NeverThrow_AndLinesAreAlwaysPrintableAndBounded()
    {
        var random = new Random(20261123);
        var framer = new NmeaLineFramer(40);
        for (int round = 0; round < 200; round++)
        {
            byte[] input = new byte[random.Next(0, 2000)];
            random.NextBytes(input);
            foreach (string line in Frame(input, random.Next(1, 64), framer))
            {
                Assert.StartsWith("$", line, StringComparison.Ordinal);
                Assert.InRange(line.Length, 1, 40);
                Assert.All(line, c => Assert.InRange(c, ' ', '~'));
            }
        }
    }
}
