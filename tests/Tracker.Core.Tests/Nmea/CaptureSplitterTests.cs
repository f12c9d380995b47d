using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Nmea;

namespace Tracker.Core.Tests.Nmea;

/// <summary>
/// The one NMEA capture splitter (the bench tool's replay into a board and the simulated cars' log
/// replay both cut captures with it): every byte kept, lines and sentences as the device's own
/// framer and checksum see them, epochs by the sentences' times.
/// </summary>
public class CaptureSplitterTests
{
    private sealed record Piece(string Text, bool IsSentence, int TimeOfDayMs, bool StartsEpoch);

    private static List<Piece> Split(byte[] bytes, int chunk = int.MaxValue)
    {
        var splitter = new NmeaCaptureSplitter();
        var pieces = new List<Piece>();
        for (int offset = 0; offset < bytes.Length;)
        {
            int n = Math.Min(chunk, bytes.Length - offset);
            int used = 0;
            while (used < n)
            {
                used += splitter.Push(bytes, offset + used, n - used);
                Take();
            }

            offset += n;
        }

        splitter.EndOfInput();
        Take();
        return pieces;

        void Take()
        {
            if (splitter.HasLine)
            {
                Assert.True(splitter.ContentLength <= splitter.LineLength);
                pieces.Add(new Piece(
                    Encoding.Latin1.GetString(splitter.Line, 0, splitter.LineLength), splitter.IsSentence, splitter.TimeOfDayMs, splitter.StartsEpoch));
            }
        }
    }

    private static List<Piece> Split(string text) => Split(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Lines_EndAtEveryKindOfEnding_AndBeforeADollar()
    {
        string rmc = NmeaTestKit.Sentence("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W").TrimEnd();
        string text = rmc + "\r\n" + rmc + "\n" + rmc + "\r" + rmc + "\n\r" + "junk" + rmc + "\r\r\n";
        Assert.Equal(
            [rmc + "\r\n", rmc + "\n", rmc + "\r", rmc + "\n\r", "junk", rmc + "\r", "\r\n"],
            Split(text).Select(p => p.Text));
    }

    [Fact]
    public void Sentences_AreWhatTheDeviceWouldTake()
    {
        string good = NmeaTestKit.Sentence("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,").TrimEnd();
        string bad = good[..^2] + "00";
        string binary = "$GPGGA,12\u00013519*00";
        List<Piece> pieces = Split(good + "  \r\n" + bad + "\r\n" + binary + "\r\n" + "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\r\n");
        Assert.Equal([true, false, false, false], pieces.Select(p => p.IsSentence));
        Assert.Equal(45_319_000, pieces[0].TimeOfDayMs); // trailing spaces after the checksum are tolerated, as by the firmware
    }

    [Theory]
    [InlineData("GPRMC,235959.5,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W", 86_399_500)]
    [InlineData("GNGGA,000001,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", 1000)]
    [InlineData("GPGLL,4807.038,N,01131.000,E,225444.25,A,A", 82_484_250)]
    [InlineData("GPZDA,201530.00,04,07,2002,00,00", 72_930_000)]
    [InlineData("GPGST,172814.0,0.006,0.023,0.020,273.6,0.023,0.020,0.031", 62_894_000)]
    [InlineData("GPGBS,015509.00,-0.031,-0.186,0.219,19,0.000,-0.354,6.972", 6_909_000)]
    [InlineData("GPGRS,024603.00,1,-1.8,-2.7,0.3,,,,,,,,,", 9_963_000)]
    [InlineData("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1", -1)]
    [InlineData("PGRME,15.0,M,45.0,M,25.0,M", -1)]
    [InlineData("GPRMC,12a519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W", -1)]
    public void Times_AreReadFromTheSentencesThatCarryThem(string body, int expected)
    {
        Piece p = Assert.Single(Split(NmeaTestKit.Sentence(body)));
        Assert.Equal(expected, p.TimeOfDayMs);
        Assert.Equal(expected >= 0, p.StartsEpoch);
    }

    [Fact]
    public void Epochs_StartAtEachNewTime_NotAtSentencesWithoutOne()
    {
        string text = "banner\r\n"
            + NmeaTestKit.Sentence("GPRMC,120000,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")
            + NmeaTestKit.Sentence("GPGGA,120000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")
            + NmeaTestKit.Sentence("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1")
            + NmeaTestKit.Sentence("GPRMC,120001,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")
            + NmeaTestKit.Sentence("GPRMC,120000,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W");
        Assert.Equal([false, true, false, false, true, true], Split(text).Select(p => p.StartsEpoch));
    }

    [Fact]
    public void ARunWithoutAnEnding_IsCutAtTheLimit()
    {
        string noise = new('x', (2 * NmeaCaptureSplitter.MaxLineBytes) + 10);
        Assert.Equal([NmeaCaptureSplitter.MaxLineBytes, NmeaCaptureSplitter.MaxLineBytes, 10], Split(noise).Select(p => p.Text.Length));
    }

    [Property(MaxTest = 300)]
    public Property AnyBytes_InAnyChunks_SplitTheSame_AndGiveThemBackExactly() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var capture = new StringBuilder();
            string[] endings = ["\r\n", "\n", "\r", "\n\r", ""];
            for (int i = random.Next(0, 30); i > 0; i--)
            {
                capture.Append(random.Next(3) switch
                {
                    0 => NmeaTestKit.Sentence($"GPRMC,{random.Next(24):D2}{random.Next(60):D2}{random.Next(60):D2},A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W").TrimEnd(),
                    1 => new string([.. Enumerable.Range(0, random.Next(0, 300)).Select(_ => (char)random.Next(0, 256))]),
                    _ => NmeaTestKit.Sentence("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1").TrimEnd(),
                }).Append(endings[random.Next(endings.Length)]);
            }

            byte[] bytes = Encoding.Latin1.GetBytes(capture.ToString());
            List<Piece> whole = Split(bytes);
            List<Piece> chunked = Split(bytes, 1 + random.Next(64));
            Assert.Equal(Encoding.Latin1.GetString(bytes), string.Concat(whole.Select(p => p.Text)));
            Assert.Equal(whole, chunked);
        });
}
