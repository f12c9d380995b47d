using System.Text;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;
using static Tracker.Core.Tests.Nmea.NmeaTestKit;

namespace Tracker.Core.Tests.Nmea;

/// <summary>
/// A stream that stops without a final line ending still has its last sentence read: at the end of
/// a file (<see cref="NmeaFixReader.EndOfInput"/>) and when the UART goes idle
/// (<see cref="NmeaFixReader.Flush"/>, which keeps an incomplete sentence in case the rest follows).
/// Sentences hand-written for the test.
/// </summary>
public sealed class EndOfStreamTests
{
    private static readonly string TwoEpochs =
        Sentence("GPRMC,074501.00,A,4124.89651,N,00210.19213,E,8.40,112.3,030525,,,A")
        + Sentence("GPGGA,074501.00,4124.89651,N,00210.19213,E,1,07,1.2,31.0,M,49.6,M,,")
        + Sentence("GPRMC,074502.00,A,4124.89412,N,00210.19870,E,8.60,112.9,030525,,,A");

    private static readonly string LastGga = Sentence("GPGGA,074502.00,4124.89412,N,00210.19870,E,1,07,1.2,31.4,M,49.6,M,,");

    private static List<Fix> Push(NmeaFixReader reader, string text)
    {
        var fixes = new List<Fix>();
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        int used = 0;
        while (used < bytes.Length)
        {
            used += reader.Push(bytes, used, bytes.Length - used);
            while (reader.TryTakeFix(out Fix fix))
            {
                fixes.Add(fix);
            }
        }

        return fixes;
    }

    private static List<Fix> Take(NmeaFixReader reader)
    {
        var fixes = new List<Fix>();
        while (reader.TryTakeFix(out Fix fix))
        {
            fixes.Add(fix);
        }

        return fixes;
    }

    [Fact]
    public void EndOfInput_ReadsALastSentenceThatHasNoLineEnding()
    {
        var reader = new NmeaFixReader();
        List<Fix> fixes = Push(reader, TwoEpochs + LastGga.TrimEnd('\r', '\n'));

        reader.EndOfInput();
        fixes.AddRange(Take(reader));

        Assert.Equal(2, fixes.Count);
        Assert.Equal(3140, fixes[1].AltCm);
        Assert.Equal(2, reader.Counters.Parsed(SentenceType.Gga));
        Assert.Equal(4, reader.Counters.Lines);
    }

    [Fact]
    public void EndOfInput_CountsACutLastSentence_AndMakesNothingOfIt()
    {
        var reader = new NmeaFixReader();
        string cut = LastGga[..40];
        List<Fix> fixes = Push(reader, TwoEpochs + cut);

        reader.EndOfInput();
        fixes.AddRange(Take(reader));

        // The cut GGA has no checksum: counted, not parsed; the 07:45:02 epoch still has its RMC.
        Assert.Equal(2, fixes.Count);
        Assert.Equal(Fix.Unknown, fixes[1].AltCm);
        Assert.Equal(1, reader.Counters.MissingChecksum);
        NmeaCounters c = reader.Counters;
        Assert.Equal(c.Lines, c.ParsedTotal + c.ChecksumErrors + c.MissingChecksum + c.Malformed + c.Proprietary + c.UnknownType + c.OtherTalker);
    }

    [Fact]
    public void Flush_WhenTheUartGoesIdle_ReadsAnUnterminatedButCompleteSentence()
    {
        var reader = new NmeaFixReader();
        List<Fix> fixes = Push(reader, TwoEpochs + LastGga.TrimEnd('\r', '\n'));

        reader.Flush();
        fixes.AddRange(Take(reader));

        Assert.Equal(2, fixes.Count);
        Assert.Equal(3140, fixes[1].AltCm);
    }

    [Fact]
    public void Flush_KeepsAnIncompleteSentence_SoTheRestAfterTheGapCompletesIt()
    {
        var reader = new NmeaFixReader();
        List<Fix> fixes = Push(reader, TwoEpochs + LastGga[..40]);

        reader.Flush();
        fixes.AddRange(Take(reader));
        fixes.AddRange(Push(reader, LastGga[40..]));
        reader.Flush();
        fixes.AddRange(Take(reader));

        // The first flush closed 07:45:02 on its RMC alone; the GGA completed after the gap is read
        // (it makes an epoch of its own, with the same time, which yields no second fix).
        Assert.Equal(2, fixes.Count);
        Assert.Equal(2, reader.Counters.Parsed(SentenceType.Gga));
        Assert.Equal(0, reader.Counters.MissingChecksum);
    }

    [Fact]
    public void Flush_ReadsAFinalSentenceOnlyOnce()
    {
        var reader = new NmeaFixReader();
        Push(reader, TwoEpochs + LastGga.TrimEnd('\r', '\n'));

        reader.Flush();
        Take(reader);
        reader.Flush();
        reader.EndOfInput();

        Assert.Empty(Take(reader));
        Assert.Equal(2, reader.Counters.Parsed(SentenceType.Gga));
    }
}
